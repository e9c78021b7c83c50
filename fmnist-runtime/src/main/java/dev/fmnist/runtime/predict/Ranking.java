package dev.fmnist.runtime.predict;

/** Orders classes by probability: the one ranking behind top-k answers, prediction grids and metrics. */
final class Ranking {

    private Ranking() {}

    /** Class indices of {@code values[offset..offset+classes)}, most probable first, ties by the lower index. */
    static int[] descending(float[] values, int offset, int classes) {
        Integer[] order = new Integer[classes];
        for (int c = 0; c < classes; c++) {
            order[c] = c;
        }
        java.util.Arrays.sort(order, (a, b) -> {
            int byValue = Float.compare(values[offset + b], values[offset + a]);
            return byValue != 0 ? byValue : Integer.compare(a, b);
        });
        int[] ranked = new int[classes];
        for (int c = 0; c < classes; c++) {
            ranked[c] = order[c];
        }
        return ranked;
    }
}
