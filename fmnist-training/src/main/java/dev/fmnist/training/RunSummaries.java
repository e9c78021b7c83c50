package dev.fmnist.training;

import dev.fmnist.api.training.EpochMetrics;
import dev.fmnist.models.plugins.ModelRegistry;
import dev.fmnist.runtime.model.ModelFile;
import dev.fmnist.runtime.model.SavedModel;
import dev.fmnist.runtime.nativecpu.CpuInfo;
import dev.fmnist.runtime.run.Json;
import dev.fmnist.runtime.run.RunConfig;
import dev.fmnist.runtime.run.RunSummary;
import java.util.List;

/** What a run reports when it ends: its model's accuracy on the test images and {@code summary.json}. */
final class RunSummaries {

    private final ModelRegistry registry;

    RunSummaries(ModelRegistry registry) {
        this.registry = registry;
    }

    /** Accuracy on the test images of the run's model ({@code RunDirectory.model()}); NaN before the first epoch. */
    double testAccuracy(RunSetup.Prepared run) {
        if (!run.dir().hasModel()) {
            return Double.NaN;
        }
        SavedModel model = ModelFile.load(run.dir().model(), false, registry);
        return Validation.of(model.network(), model.manifest(), run.split().test()).accuracy();
    }

    /** Writes {@code summary.json}; times and rates cover the whole history, so a resumed run reports all its epochs. */
    RunSummary write(RunSetup.Prepared run, List<EpochMetrics> history, String status, String reason, int epochsRun,
            double testAccuracy, long runStartedNanos, List<String> callbacks) {
        RunConfig config = run.runConfig();
        // without validation images, the latest epoch is the run's model
        EpochMetrics best = config.validationImages() == 0 ? (history.isEmpty() ? null : history.get(history.size() - 1))
                : run.monitor().best(history).orElse(null);
        int sessionEpochs = epochsRun - run.history().size();
        double epochSeconds = history.stream().mapToDouble(m -> m.epochMillis() / 1000.0).sum();
        double sessionEpochSeconds = history.subList(history.size() - Math.max(0, sessionEpochs), history.size())
                .stream().mapToDouble(m -> m.epochMillis() / 1000.0).sum();
        double seconds = epochSeconds + Math.max(0, (System.nanoTime() - runStartedNanos) / 1e9 - sessionEpochSeconds);
        double trainSeconds = history.stream().mapToDouble(m -> config.trainImages() / m.imagesPerSecond()).sum();
        long allImages = (long) config.trainImages() * history.size();
        RunSummary summary = new RunSummary(config.modelId(), run.dir().path().toString(), run.network().numParams(),
                status, reason == null ? "" : reason, epochsRun, best == null ? 0 : best.epoch(),
                best == null ? Double.NaN : best.validationAccuracy(),
                best == null ? Double.NaN : best.validationLoss(), testAccuracy, seconds,
                history.isEmpty() ? Double.NaN : allImages / trainSeconds,
                history.isEmpty() ? Double.NaN : allImages / seconds, callbacks, CpuInfo.read().describe());
        Json.write(run.dir().summary(), summary);
        return summary;
    }
}
