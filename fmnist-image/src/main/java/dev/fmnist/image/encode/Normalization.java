package dev.fmnist.image.encode;

import static java.util.Objects.requireNonNull;

import dev.fmnist.api.data.LabelledImages;

/**
 * How an 8-bit pixel becomes a model input: scaled to [0,1], then, when standardizing, shifted by the
 * mean and divided by the standard deviation of the training split (never of validation or test data).
 * The statistics are stored with a trained model so serving applies exactly the same mapping.
 */
public record Normalization(Kind kind, double mean, double std) {

    public enum Kind {
        /** pixel / 255. */
        SCALE,
        /** (pixel / 255 - mean) / std, with mean and std of the training split. */
        STANDARDIZE
    }

    public Normalization {
        requireNonNull(kind, "kind is null");
        if (!(std > 0) || !Double.isFinite(mean)) {
            throw new IllegalArgumentException("normalization needs a finite mean and a positive std, got mean "
                    + mean + ", std " + std);
        }
    }

    public static Normalization scale() {
        return new Normalization(Kind.SCALE, 0, 1);
    }

    /** The normalization of the given kind, with statistics taken from {@code training}. */
    public static Normalization fit(Kind kind, LabelledImages training) {
        if (kind == Kind.SCALE) {
            return scale();
        }
        // A histogram of the 256 byte values gives exact moments in one cheap pass.
        long[] histogram = new long[256];
        var pixels = training.pixelBuffer();
        while (pixels.hasRemaining()) {
            histogram[Byte.toUnsignedInt(pixels.get())]++;
        }
        double n = 0;
        double sum = 0;
        double sumSquares = 0;
        for (int value = 0; value < 256; value++) {
            double x = value / 255.0;
            n += histogram[value];
            sum += histogram[value] * x;
            sumSquares += histogram[value] * x * x;
        }
        double mean = sum / n;
        double std = Math.sqrt(Math.max(sumSquares / n - mean * mean, 1e-12));
        return new Normalization(Kind.STANDARDIZE, mean, std);
    }

    /** The model input for each of the 256 pixel values: batching is a table look-up per pixel. */
    public float[] lookupTable() {
        float[] table = new float[256];
        for (int value = 0; value < 256; value++) {
            table[value] = apply(value);
        }
        return table;
    }

    /** The model input of an 8-bit pixel, 0 (black) to 255 (white). */
    public float apply(int pixel) {
        return applyToUnit(pixel / 255.0);
    }

    /** The model input of a pixel already scaled to [0,1]. */
    public float applyToUnit(double unit) {
        return (float) ((unit - mean) / std);
    }
}
