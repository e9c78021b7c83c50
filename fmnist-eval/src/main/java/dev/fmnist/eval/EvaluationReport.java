package dev.fmnist.eval;

import dev.fmnist.eval.metrics.EvaluationMetrics;
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
 */
public record EvaluationReport(String runDirectory, String modelId, String modelFile, long parameters,
        ArchitectureSummary architecture, EvaluationMetrics metrics, RunSummary summary, boolean flipAveraged,
        CalibrationEffect calibration) {}
