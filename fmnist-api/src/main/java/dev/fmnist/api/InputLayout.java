package dev.fmnist.api;

/**
 * How a model wants its images: the platform reshapes every batch accordingly.
 */
public enum InputLayout {
    /** One row of {@code channels * height * width} values per image: shape [N, 784]. */
    FLAT,
    /** Channels-first images: shape [N, channels, height, width], that is [N, 1, 28, 28]. */
    IMAGE;

    /** The shape of a batch of {@code batchSize} images of the given shape in this layout. */
    public long[] batchShape(int batchSize, ImageShape image) {
        return switch (this) {
            case FLAT -> new long[] {batchSize, image.pixels()};
            case IMAGE -> new long[] {batchSize, image.channels(), image.height(), image.width()};
        };
    }
}
