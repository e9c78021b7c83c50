package dev.fmnist.data.augment;

import java.util.SplittableRandom;

/**
 * A random {@code height x width} crop of the image padded with {@code padding} black pixels on every side:
 * the image moves by up to {@code padding} pixels in each direction, what leaves the frame is lost and what
 * enters is background.
 */
record RandomCrop(int padding) implements ImageTransform {

    RandomCrop {
        if (padding < 1 || padding > 8) {
            throw new IllegalArgumentException("crop padding must be 1..8 pixels, got " + padding);
        }
    }

    @Override
    public void apply(byte[] pixels, int height, int width, SplittableRandom random) {
        int dy = random.nextInt(2 * padding + 1) - padding;
        int dx = random.nextInt(2 * padding + 1) - padding;
        if (dx == 0 && dy == 0) {
            return;
        }
        byte[] source = pixels.clone();
        for (int y = 0; y < height; y++) {
            int sy = y + dy;
            for (int x = 0; x < width; x++) {
                int sx = x + dx;
                pixels[y * width + x] = sy >= 0 && sy < height && sx >= 0 && sx < width ? source[sy * width + sx] : 0;
            }
        }
    }

    @Override
    public String spec() {
        return "crop:" + padding;
    }
}
