package dev.fmnist.data.augment;

import java.util.SplittableRandom;

/** Mirrors the image left to right with probability one half. */
record HorizontalFlip() implements ImageTransform {

    @Override
    public void apply(byte[] pixels, int height, int width, SplittableRandom random) {
        if (random.nextBoolean()) {
            mirror(pixels, height, width);
        }
    }

    static void mirror(byte[] pixels, int height, int width) {
        for (int y = 0; y < height; y++) {
            for (int left = y * width, right = left + width - 1; left < right; left++, right--) {
                byte swap = pixels[left];
                pixels[left] = pixels[right];
                pixels[right] = swap;
            }
        }
    }

    @Override
    public String spec() {
        return "flip";
    }
}
