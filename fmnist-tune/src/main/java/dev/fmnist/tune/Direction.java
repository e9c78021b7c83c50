package dev.fmnist.tune;

/** Whether a study looks for the smallest objective (a loss) or the largest (an accuracy). */
public enum Direction {
    MINIMIZE, MAXIMIZE;

    /** The value as a quantity to minimize. */
    public double loss(double value) {
        return this == MINIMIZE ? value : -value;
    }

    /** The direction of a monitored metric: accuracies are maximized, losses minimized. */
    public static Direction of(String metric) {
        return metric.contains("accuracy") ? MAXIMIZE : MINIMIZE;
    }
}
