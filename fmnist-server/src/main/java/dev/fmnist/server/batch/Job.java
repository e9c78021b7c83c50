package dev.fmnist.server.batch;

import dev.fmnist.runtime.predict.EncodedBatch;
import dev.fmnist.runtime.predict.Predictor;
import java.util.concurrent.CompletableFuture;

/**
 * Images waiting for a model's thread, and what to compute of them ({@code pass}: class probabilities, embeddings
 * for similar-item search, an explanation). Jobs of the same pass run as one; {@code warmUp}: a pass before the
 * model serves ({@link WarmUp}), run alone and left out of the metrics; {@code timing}, when not null, is told when it
 * waited and ran (for a trace).
 */
record Job(EncodedBatch batch, Pass pass, boolean warmUp, CompletableFuture<float[][]> result, BatchTiming timing) {

    /** What a job computes: one row per image. */
    interface Pass {
        float[][] run(Predictor predictor, EncodedBatch batch);
    }

    static final Pass PROBABILITIES = Predictor::probabilities;
    static final Pass EMBEDDINGS = Predictor::embeddings;


    int count() {
        return batch.count();
    }
}
