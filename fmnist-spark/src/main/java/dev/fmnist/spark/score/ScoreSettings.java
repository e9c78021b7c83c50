package dev.fmnist.spark.score;

import java.io.Serializable;

/**
 * What every executor needs to score a partition; shipped with each task, so small.
 *
 * @param modelFile    the model file's name among the job's files ({@code SparkFiles}), or an absolute local
 *                     path when it is already on every machine
 * @param modelVersion recorded in every row beside the model's name
 * @param topK         classes kept per image
 * @param batchSize    images per forward pass
 * @param embeddings   whether rows carry the L2-normalized embedding (for similar-item search)
 * @param pixels       whether rows carry the converted 28x28 pixels (an index keeps them as thumbnails)
 */
public record ScoreSettings(String modelFile, String modelVersion, int topK, int batchSize, boolean embeddings,
        boolean pixels) implements Serializable {

    public ScoreSettings {
        if (topK < 1) {
            throw new IllegalArgumentException("top-k must be at least 1, got " + topK);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("the batch size must be at least 1, got " + batchSize);
        }
    }
}
