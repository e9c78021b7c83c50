package dev.fmnist.data.augment;

import java.util.SplittableRandom;

/**
 * Random erasing (Zhong et al., "Random Erasing Data Augmentation", AAAI 2020, Algorithm 1): with
 * {@code probability}, a rectangle covering a share of the image drawn from [{@code minArea},
 * {@code maxArea}], with an aspect ratio drawn from [{@code ratio}, 1/{@code ratio}], is filled with random
 * pixel values; a rectangle that does not fit is drawn again.
 */
record RandomErasing(double probability, double minArea, double maxArea, double ratio) implements ImageTransform {

    /** The paper's defaults: p 0.5, area 0.02-0.4, aspect ratio 0.3-3.33. */
    static final RandomErasing DEFAULT = new RandomErasing(0.5, 0.02, 0.4, 0.3);

    RandomErasing {
        if (!(probability > 0 && probability <= 1)) {
            throw new IllegalArgumentException("erase probability must be in (0, 1], got " + probability);
        }
        if (!(minArea > 0 && minArea <= maxArea && maxArea < 1)) {
            throw new IllegalArgumentException("erase area must be a range within (0, 1), got " + minArea + "-" + maxArea);
        }
        if (!(ratio > 0 && ratio <= 1)) {
            throw new IllegalArgumentException("erase aspect ratio must be in (0, 1], got " + ratio);
        }
    }

    @Override
    public void apply(byte[] pixels, int height, int width, SplittableRandom random) {
        if (random.nextDouble() >= probability) {
            return;
        }
        for (int attempt = 0; attempt < 100; attempt++) {
            double area = height * width * (minArea + random.nextDouble() * (maxArea - minArea));
            // Log-uniform between ratio and 1/ratio, so tall and wide rectangles are equally likely.
            double aspect = Math.exp(Math.log(ratio) + random.nextDouble() * -2 * Math.log(ratio));
            int h = (int) Math.round(Math.sqrt(area * aspect));
            int w = (int) Math.round(Math.sqrt(area / aspect));
            if (h >= 1 && w >= 1 && h < height && w < width) {
                int top = random.nextInt(height - h + 1);
                int left = random.nextInt(width - w + 1);
                for (int y = top; y < top + h; y++) {
                    for (int x = left; x < left + w; x++) {
                        pixels[y * width + x] = (byte) random.nextInt(256);
                    }
                }
                return;
            }
        }
    }

    @Override
    public String spec() {
        return "erase:" + probability + ":" + minArea + "-" + maxArea + ":" + ratio;
    }
}
