package dev.fmnist.runtime.run;

import java.util.List;

/**
 * The outcome of a run, written as {@code summary.json}.
 *
 * @param status                 {@code completed}, {@code stopped early} or {@code failed}
 * @param reason                 why it stopped early or failed; empty when completed
 * @param epochsRun              epochs finished, including those before a resume
 * @param bestEpoch              the epoch whose weights are in {@code best.zip}
 * @param testAccuracy           accuracy of the final weights on the 10,000 test images (NaN when not measured)
 * @param trainingImagesPerSecond training images per second of the training phases, validation excluded
 * @param overallImagesPerSecond training images per second of wall time, validation and checkpoints included
 * @param cpu                    the CPU the run trained on ({@code CpuInfo.describe}); null in runs before it was
 *                               recorded
 */
public record RunSummary(
        String modelId,
        String runDirectory,
        long parameters,
        String status,
        String reason,
        int epochsRun,
        int bestEpoch,
        double bestValidationAccuracy,
        double bestValidationLoss,
        double testAccuracy,
        double totalSeconds,
        double trainingImagesPerSecond,
        double overallImagesPerSecond,
        List<String> callbacks,
        String cpu) {

    public RunSummary {
        callbacks = List.copyOf(callbacks);
    }
}
