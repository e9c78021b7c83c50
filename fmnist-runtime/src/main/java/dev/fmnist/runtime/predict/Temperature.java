package dev.fmnist.runtime.predict;

/**
 * Probabilities at another temperature: {@code p^(1/T)}, renormalized per row, which is exactly
 * {@code softmax(logits / T)} for a network whose output is {@code softmax(logits)}, so a temperature applies to
 * what a model answers without its logits. For an ensemble's averaged probabilities it is the same flattening
 * ({@code T > 1}) or sharpening ({@code T < 1}).
 */
public final class Temperature {

    private Temperature() {}

    /** Rows of {@code classes} values, changed in place and returned; {@code T = 1} leaves them as they are. */
    public static float[] apply(float[] probabilities, int classes, double temperature) {
        check(temperature);
        if (temperature == 1) {
            return probabilities;
        }
        double exponent = 1 / temperature;
        double[] powered = new double[classes];
        for (int row = 0; row < probabilities.length; row += classes) {
            double sum = 0;
            for (int c = 0; c < classes; c++) {
                powered[c] = Math.pow(probabilities[row + c], exponent);
                sum += powered[c];
            }
            for (int c = 0; c < classes; c++) {
                probabilities[row + c] = (float) (powered[c] / sum);
            }
        }
        return probabilities;
    }

    /** Each row changed in place, as {@link #apply(float[], int, double)}. */
    public static float[][] apply(float[][] rows, double temperature) {
        for (float[] row : rows) {
            apply(row, row.length, temperature);
        }
        return rows;
    }

    private static void check(double temperature) {
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("a temperature must be a positive number, got " + temperature);
        }
    }
}
