package dev.fmnist.eval.metrics;

import java.util.List;

/**
 * Every figure of an evaluation, as written to {@code eval/metrics.json}.
 *
 * @param confusion           counts, [true class][predicted class]
 * @param confusionNormalized each row divided by its support
 * @param expectedCalibrationError the support-weighted mean |accuracy - confidence| over the bins
 */
public record EvaluationMetrics(
        String split,
        int images,
        double accuracy,
        double top2Accuracy,
        double logLoss,
        List<ClassMetrics> perClass,
        double macroPrecision,
        double macroRecall,
        double macroF1,
        double weightedPrecision,
        double weightedRecall,
        double weightedF1,
        int[][] confusion,
        double[][] confusionNormalized,
        List<ConfusedPair> mostConfused,
        List<CalibrationBin> calibration,
        double expectedCalibrationError) {

    public EvaluationMetrics {
        perClass = List.copyOf(perClass);
        mostConfused = List.copyOf(mostConfused);
        calibration = List.copyOf(calibration);
    }

    /** The class with the lowest F1. */
    public ClassMetrics worstClass() {
        return perClass.stream().min(java.util.Comparator.comparingDouble(ClassMetrics::f1)).orElseThrow();
    }
}
