package dev.fmnist.eval.metrics;

/**
 * One confidence bin of the reliability diagram: images whose top probability falls in (lower, upper].
 *
 * @param meanConfidence mean top probability of those images (NaN when empty)
 * @param accuracy       share of them predicted correctly (NaN when empty)
 */
public record CalibrationBin(double lower, double upper, int count, double meanConfidence, double accuracy) {}
