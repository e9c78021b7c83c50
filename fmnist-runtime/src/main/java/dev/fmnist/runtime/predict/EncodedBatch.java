package dev.fmnist.runtime.predict;

import java.util.List;

/**
 * Images ready for one model's forward pass: {@code count} rows made by the model's own
 * {@link dev.fmnist.image.encode.InputEncoder}, laid end to end. What travels from a request's decoding to the
 * model's batching thread and into {@link Predictor}.
 *
 * @param rows  the encoded rows; owned by the batch once made (not copied)
 * @param count images in the batch, at least one
 */
public record EncodedBatch(float[] rows, int count) {

    public EncodedBatch {
        if (count < 1) {
            throw new IllegalArgumentException("a batch holds at least one image, not " + count);
        }
        if (rows.length == 0 || rows.length % count != 0) {
            throw new IllegalArgumentException(rows.length + " values are not " + count + " rows of equal length");
        }
    }

    /** Several batches of the same model as one, in order: what one forward pass of the batcher runs. */
    public static EncodedBatch join(List<EncodedBatch> batches) {
        if (batches.size() == 1) {
            return batches.get(0);
        }
        int count = batches.stream().mapToInt(EncodedBatch::count).sum();
        float[] rows = new float[batches.stream().mapToInt(b -> b.rows().length).sum()];
        int offset = 0;
        for (EncodedBatch batch : batches) {
            System.arraycopy(batch.rows(), 0, rows, offset, batch.rows().length);
            offset += batch.rows().length;
        }
        return new EncodedBatch(rows, count);
    }
}
