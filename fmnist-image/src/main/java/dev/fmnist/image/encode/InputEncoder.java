package dev.fmnist.image.encode;

import static java.util.Objects.requireNonNull;

import dev.fmnist.api.ImageShape;
import dev.fmnist.api.InputLayout;
import dev.fmnist.api.data.LabelledImages;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The one place where images become a model's input: 8-bit pixels (through a 256-entry table) or pixels
 * already scaled to [0,1], normalized as the model was trained, laid out as rows of {@link #pixels()}
 * values, and shaped for the model's input layout. Training batches, the predictor and the server's
 * inference routes all go through it, so a model sees the same numbers wherever its input comes from.
 */
public final class InputEncoder {

    private final Normalization normalization;
    private final InputLayout layout;
    private final ImageShape shape;
    private final float[] table;

    public InputEncoder(Normalization normalization, InputLayout layout, ImageShape shape) {
        this.normalization = requireNonNull(normalization, "normalization is null");
        this.layout = requireNonNull(layout, "layout is null");
        this.shape = requireNonNull(shape, "shape is null");
        this.table = normalization.lookupTable();
    }

    public ImageShape shape() {
        return shape;
    }

    /** Values per image row. */
    public int pixels() {
        return shape.pixels();
    }

    /** Encodes one image of 8-bit pixels, {@code source[from..from+pixels())}, into row {@code row} of {@code rows}. */
    public void encodeBytes(byte[] source, int from, float[] rows, int row) {
        int size = pixels();
        int offset = row * size;
        for (int p = 0; p < size; p++) {
            rows[offset + p] = table[Byte.toUnsignedInt(source[from + p])];
        }
    }

    /** Encodes one image of pixels in [0,1], {@code source[from..from+pixels())}, into row {@code row}. */
    public void encodeUnit(float[] source, int from, float[] rows, int row) {
        int size = pixels();
        int offset = row * size;
        for (int p = 0; p < size; p++) {
            rows[offset + p] = normalization.applyToUnit(source[from + p]);
        }
    }

    /** Encodes image {@code image} of a labelled set into row {@code row}. */
    public void encode(LabelledImages images, int image, float[] rows, int row) {
        int size = pixels();
        int offset = row * size;
        for (int p = 0; p < size; p++) {
            rows[offset + p] = table[images.pixel(image, p)];
        }
    }

    /** The images at {@code indices[from..from+count)} of a labelled set, as one batch in the model's layout. */
    public INDArray features(LabelledImages images, int[] indices, int from, int count) {
        float[] rows = new float[count * pixels()];
        for (int i = 0; i < count; i++) {
            encode(images, indices[from + i], rows, i);
        }
        return batch(rows, count);
    }

    /** {@code count} encoded rows laid end to end, as one batch in the model's layout. */
    public INDArray batch(float[] rows, int count) {
        return Nd4j.create(rows, layout.batchShape(count, shape), 'c');
    }
}
