package dev.fmnist.server.batch;

import dev.fmnist.runtime.predict.EncodedBatch;
import java.time.Duration;

/**
 * A model's first forward passes, run before it serves: one of each batch size its batcher forms in powers of two
 * (1, 2, 4, ..., the largest batch, at most {@value #LARGEST}: a larger limit would cost its memory at start-up)
 * on blank images, and one embedding pass when it serves similar items. Without
 * them the first requests pay for oneDNN creating its primitives for each new shape. The passes run on the model's
 * own thread, one at a time, are left out of the batch metrics and are timed as {@code fmnist.model.warmup}.
 */
public final class WarmUp {

    static final int LARGEST = 256;

    private WarmUp() {}

    /** @return how long the passes took */
    public static Duration run(BatchingExecutor executor, boolean embeddings) {
        long started = System.nanoTime();
        int width = executor.width();
        int largest = Math.min(executor.maxBatch(), LARGEST);
        for (int size = 1; ; size = Math.min(size * 2, largest)) {
            executor.submitWarmUp(new EncodedBatch(new float[size * width], size), false).join();
            if (size == largest) {
                break;
            }
        }
        if (embeddings) {
            executor.submitWarmUp(new EncodedBatch(new float[width], 1), true).join();
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        executor.recordWarmUp(took);
        return took;
    }
}
