package dev.fmnist.bench;

import java.util.Arrays;

/** Medians of repeated measurements: robust to the odd slow round on a shared machine. */
public final class Medians {

    private Medians() {}

    public static double of(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
