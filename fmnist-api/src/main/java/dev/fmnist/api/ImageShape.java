package dev.fmnist.api;

/** The shape of one input image, channels first. */
public record ImageShape(int channels, int height, int width) {

    /** Fashion-MNIST: one grey channel of 28x28 pixels. */
    public static final ImageShape FASHION_MNIST = new ImageShape(1, 28, 28);

    public ImageShape {
        if (channels < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException(
                    "image shape must be positive, got " + channels + "x" + height + "x" + width);
        }
    }

    /** Values per image: channels * height * width. */
    public int pixels() {
        return channels * height * width;
    }

    @Override
    public String toString() {
        return channels + "x" + height + "x" + width;
    }
}
