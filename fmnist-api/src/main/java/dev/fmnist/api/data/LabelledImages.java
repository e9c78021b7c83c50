package dev.fmnist.api.data;

import static java.util.Objects.requireNonNull;

import dev.fmnist.api.ImageShape;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * An immutable set of 8-bit grey images with their class labels, stored as the IDX files store them:
 * row-major unsigned bytes, one image after the other. Keeping the raw bytes (47 MB for the training
 * set, a quarter of the float form) lets every epoch batch straight from them without a copy.
 */
public final class LabelledImages {

    private final ImageShape shape;
    private final byte[] pixels;
    private final byte[] labels;
    private final List<String> classNames;

    /**
     * Takes ownership of both arrays: callers must not modify them afterwards.
     *
     * @throws IllegalArgumentException when the arrays do not agree with each other or with the class names
     */
    public LabelledImages(ImageShape shape, byte[] pixels, byte[] labels, List<String> classNames) {
        this.shape = requireNonNull(shape, "shape is null");
        this.pixels = requireNonNull(pixels, "pixels is null");
        this.labels = requireNonNull(labels, "labels is null");
        this.classNames = List.copyOf(classNames);
        if ((long) labels.length * shape.pixels() != pixels.length) {
            throw new IllegalArgumentException(labels.length + " labels but " + pixels.length + " pixel bytes for "
                    + shape + " images");
        }
        for (int i = 0; i < labels.length; i++) {
            if (Byte.toUnsignedInt(labels[i]) >= this.classNames.size()) {
                throw new IllegalArgumentException("label " + Byte.toUnsignedInt(labels[i]) + " of image " + i
                        + " is outside the " + this.classNames.size() + " classes");
            }
        }
    }

    public int count() {
        return labels.length;
    }

    public ImageShape shape() {
        return shape;
    }

    public List<String> classNames() {
        return classNames;
    }

    public int label(int index) {
        return Byte.toUnsignedInt(labels[index]);
    }

    /** Pixel {@code offset} (row-major) of image {@code index}, 0 (black) to 255 (white). */
    public int pixel(int index, int offset) {
        return Byte.toUnsignedInt(pixels[index * shape.pixels() + offset]);
    }

    /** A read-only view of every pixel, image after image, for bulk copies. */
    public ByteBuffer pixelBuffer() {
        return ByteBuffer.wrap(pixels).asReadOnlyBuffer();
    }

    /** How many images carry each label, indexed by label. */
    public int[] classCounts() {
        int[] counts = new int[classNames.size()];
        for (byte label : labels) {
            counts[Byte.toUnsignedInt(label)]++;
        }
        return counts;
    }

    /** A new set holding the images at {@code indices}, in that order. */
    public LabelledImages subset(int[] indices) {
        int size = shape.pixels();
        byte[] subsetPixels = new byte[indices.length * size];
        byte[] subsetLabels = new byte[indices.length];
        for (int i = 0; i < indices.length; i++) {
            System.arraycopy(pixels, indices[i] * size, subsetPixels, i * size, size);
            subsetLabels[i] = labels[indices[i]];
        }
        return new LabelledImages(shape, subsetPixels, subsetLabels, classNames);
    }
}
