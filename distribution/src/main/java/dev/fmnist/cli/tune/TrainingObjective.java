package dev.fmnist.cli.tune;

import dev.fmnist.api.training.EpochMetrics;
import dev.fmnist.api.training.TrainingCallback;
import dev.fmnist.api.training.TrainingContext;
import dev.fmnist.cli.RunLog;
import dev.fmnist.runtime.run.RunSummary;
import dev.fmnist.training.TrainingEngine;
import dev.fmnist.training.TrainingRequest;
import dev.fmnist.tune.study.Objective;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A trial as a training run: the sampled values as hyperparameter overrides (plugin keys and the platform's:
 * batch-size, learning-rate, label-smoothing, augment), the study's epoch budget, a run folder of its own under
 * the study's folder; the monitored validation metric reported after every epoch, and the run stopped when the
 * pruner says so.
 */
final class TrainingObjective implements Objective {

    private final TrainingEngine engine;
    private final String model;
    private final String metric;
    private final Path studyDir;
    private final OptionalInt epochs;
    private final OptionalInt limit;

    TrainingObjective(TrainingEngine engine, String model, String metric, Path studyDir, OptionalInt epochs,
            OptionalInt limit) {
        this.engine = engine;
        this.model = model;
        this.metric = metric;
        this.studyDir = studyDir;
        this.epochs = epochs;
        this.limit = limit;
    }

    static Path trialDir(Path studyDir, int number) {
        return studyDir.resolve(String.format("trial-%03d", number));
    }

    /** The values as the training request's overrides: numbers written so that they read back the same. */
    static Map<String, String> overrides(Map<String, Object> params) {
        Map<String, String> overrides = new LinkedHashMap<>();
        params.forEach((name, value) -> overrides.put(name, String.valueOf(value)));
        return overrides;
    }

    @Override
    public double run(int number, Map<String, Object> params, Reporter reporter) throws Exception {
        Path runDir = trialDir(studyDir, number);
        Files.createDirectories(runDir);
        TrainingRequest request = new TrainingRequest(model, overrides(params), epochs, OptionalInt.empty(), limit,
                Optional.of(runDir), Optional.empty(), false, Optional.empty(), Optional.empty());
        TrainingCallback pruning = new TrainingCallback() {
            @Override
            public void onEpochEnd(TrainingContext context, EpochMetrics metrics) {
                if (reporter.report(metrics.epoch(), metrics.metric(metric))) {
                    context.requestStop("pruned: " + metric + " below the study's other trials at epoch "
                            + metrics.epoch());
                }
            }
        };
        RunSummary summary;
        try (RunLog ignored = RunLog.attach(runDir.resolve("train.log"))) {
            summary = engine.train(request, List.of(pruning));
        }
        return metric.equals("val_accuracy") ? summary.bestValidationAccuracy() : summary.bestValidationLoss();
    }
}
