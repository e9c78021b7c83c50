package dev.fmnist.data.augment;

import java.util.SplittableRandom;

/**
 * What a product photo leaves on an item after the Fashion-MNIST conversion, imitated on a dataset image with
 * {@code probability}: a duller item (its intensities scaled by 0.75-1, as a photo's item is rarely as
 * saturated), a slight 3x3 blur one time in three (focus, JPEG), and Gaussian sensor noise (sigma 0-8 grey
 * levels) on the item only, as the conversion sets the background to black.
 */
record PhotoLook(double probability) implements ImageTransform {

    PhotoLook {
        if (!(probability > 0 && probability <= 1)) {
            throw new IllegalArgumentException("photo probability must be in (0, 1], got " + probability);
        }
    }

    @Override
    public void apply(byte[] pixels, int height, int width, SplittableRandom random) {
        if (random.nextDouble() >= probability) {
            return;
        }
        double contrast = 0.75 + 0.25 * random.nextDouble();
        boolean blur = random.nextInt(3) == 0;
        double sigma = 8 * random.nextDouble();
        int[] values = new int[pixels.length];
        for (int p = 0; p < pixels.length; p++) {
            values[p] = Byte.toUnsignedInt(pixels[p]);
        }
        int[] source = blur ? blurred(values, height, width) : values;
        for (int p = 0; p < pixels.length; p++) {
            if (values[p] == 0 && source[p] == 0) {
                continue;  // background stays black
            }
            double v = source[p] * contrast + sigma * gaussian(random);
            pixels[p] = (byte) Math.max(0, Math.min(255, (int) Math.round(v)));
        }
    }

    private static int[] blurred(int[] values, int height, int width) {
        int[] out = new int[values.length];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int sum = 0;
                int count = 0;
                for (int dy = -1; dy <= 1; dy++) {
                    for (int dx = -1; dx <= 1; dx++) {
                        int yy = y + dy;
                        int xx = x + dx;
                        if (yy >= 0 && yy < height && xx >= 0 && xx < width) {
                            sum += values[yy * width + xx];
                            count++;
                        }
                    }
                }
                out[y * width + x] = sum / count;
            }
        }
        return out;
    }

    /** A standard normal value by Box-Muller: {@link SplittableRandom} has no nextGaussian in Java 17. */
    private static double gaussian(SplittableRandom random) {
        double u = 1 - random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
    }

    @Override
    public String spec() {
        return "photo:" + probability;
    }
}
