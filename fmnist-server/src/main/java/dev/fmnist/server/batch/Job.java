package dev.fmnist.server.batch;

import dev.fmnist.runtime.predict.EncodedBatch;
import java.util.concurrent.CompletableFuture;

/**
 * Images waiting for a model's thread. {@code embed}: the embeddings for similar-item search rather than class
 * probabilities; {@code warmUp}: a pass before the model serves ({@link WarmUp}), run alone and left out of the
 * metrics.
 */
record Job(EncodedBatch batch, boolean embed, boolean warmUp, CompletableFuture<float[][]> result) {

    int count() {
        return batch.count();
    }
}
