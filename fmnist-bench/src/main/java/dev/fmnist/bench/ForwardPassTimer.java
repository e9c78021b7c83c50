package dev.fmnist.bench;

import dev.fmnist.api.data.LabelledImages;
import dev.fmnist.runtime.predict.EncodedBatch;
import dev.fmnist.runtime.predict.Predictor;

/** The forward pass alone, as the server runs it: encoded rows in, probabilities copied out. */
public final class ForwardPassTimer {

    private ForwardPassTimer() {}

    /** Images/s of passes of {@code batchSize} images (the first test images, repeated when fewer) for about {@code seconds}. */
    public static double imagesPerSecond(Predictor predictor, LabelledImages images, int batchSize, double seconds) {
        float[] rows = new float[batchSize * predictor.encoder().pixels()];
        for (int i = 0; i < batchSize; i++) {
            predictor.encoder().encode(images, i % images.count(), rows, i);
        }
        EncodedBatch batch = new EncodedBatch(rows, batchSize);
        long started = System.nanoTime();
        long deadline = started + (long) (seconds * 1e9);
        long done = 0;
        do {
            predictor.probabilities(batch);
            done += batchSize;
        } while (System.nanoTime() < deadline);
        return done / ((System.nanoTime() - started) / 1e9);
    }
}
