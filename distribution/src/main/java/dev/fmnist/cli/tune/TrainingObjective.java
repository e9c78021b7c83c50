package dev.fmnist.cli.tune;

import dev.fmnist.api.training.EpochMetrics;
import dev.fmnist.api.training.TrainingCallback;
import dev.fmnist.api.training.TrainingContext;
import dev.fmnist.cli.RunLog;
import dev.fmnist.runtime.run.RunDirectory;
import dev.fmnist.runtime.run.RunSummary;
import dev.fmnist.training.TrainingEngine;
import dev.fmnist.training.TrainingRequest;
import dev.fmnist.tune.study.Objective;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A trial as a training run: the sampled values as hyperparameter overrides (plugin keys and the platform's:
 * batch-size, learning-rate, label-smoothing, augment), the study's epoch budget, a run folder of its own under
 * the study's folder; the monitored validation metric reported after every epoch, and the run stopped when the
 * pruner says so.
 */
final class TrainingObjective implements Objective {

    private static final Logger log = LoggerFactory.getLogger(TrainingObjective.class);

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

    /** Appends the failure and its trace to the trial's log (the console gets the one sentence from the study). */
    private static void logFailure(Path runDir, int number, RuntimeException e) {
        StringWriter trace = new StringWriter();
        e.printStackTrace(new PrintWriter(trace));
        try {
            Files.writeString(new RunDirectory(runDir).log(), Instant.now() + " ERROR trial " + number + " failed: "
                    + e.getMessage() + System.lineSeparator() + trace, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException io) {
            log.warn("Cannot write the failure of trial {} to {}: {}", number, runDir, io.getMessage());
        }
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
        try (RunLog ignored = RunLog.attach(new RunDirectory(runDir).log())) {
            summary = engine.train(request, List.of(pruning));
        } catch (RuntimeException e) {
            // the trial's own log says why it failed, with the trace, beside what it did before
            logFailure(runDir, number, e);
            throw e;
        }
        return metric.equals("val_accuracy") ? summary.bestValidationAccuracy() : summary.bestValidationLoss();
    }
}
