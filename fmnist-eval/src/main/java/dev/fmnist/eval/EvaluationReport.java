package dev.fmnist.eval;

import dev.fmnist.eval.metrics.EvaluationMetrics;
import dev.fmnist.eval.metrics.SelectivePrediction;
import dev.fmnist.eval.report.ArchitectureSummary;
import dev.fmnist.runtime.run.RunSummary;

/**
 * What {@code eval/metrics.json} holds: the run, its model's architecture and every figure.
 *
 * @param summary       the run's training summary, when the run folder has one
 * @param flipAveraged  whether the probabilities were averaged with those of the mirrored images (test-time
 *                      augmentation)
 * @param calibration   what the model's calibration does to these figures (they are at its temperature); null for a
 *                      model without one
 * @param selective     what accepting only the surest answers does: the risk-coverage curve, and thresholds chosen on
 *                      the run's validation images for target accuracies, checked on these images
 */
public record EvaluationReport(String runDirectory, String modelId, String modelFile, long parameters,
        ArchitectureSummary architecture, EvaluationMetrics metrics, RunSummary summary, boolean flipAveraged,
        CalibrationEffect calibration, SelectivePrediction selective) {}
