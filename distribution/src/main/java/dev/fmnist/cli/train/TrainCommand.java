package dev.fmnist.cli.train;

import com.google.inject.Injector;
import dev.fmnist.cli.Bootstrap;
import dev.fmnist.cli.GlobalOptions;
import dev.fmnist.cli.RunLog;
import dev.fmnist.cli.UserError;
import dev.fmnist.models.ModelBuilder;
import dev.fmnist.runtime.run.RunDirectory;
import dev.fmnist.runtime.run.RunSummary;
import dev.fmnist.training.RunSetup;
import dev.fmnist.training.TrainingEngine;
import dev.fmnist.training.TrainingException;
import dev.fmnist.training.TrainingRequest;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Train a model on Fashion-MNIST: a run folder with the best and last models, the metric "
                + "history and a summary.")
public final class TrainCommand implements Callable<Integer> {

    /** The three seed models, trained in turn by --all with the same seed, split and initialization. */
    static final List<String> SEED_MODELS = List.of("mlp", "cnn", "deep-cnn");

    static final class What {
        @Option(names = "--model", paramLabel = "ID", description = "The model plugin to train (see 'fmnist models').")
        String model;

        @Option(names = "--all", description = "Train the three seed models (mlp, cnn, deep-cnn) in turn.")
        boolean all;

        @Option(names = "--resume", paramLabel = "RUN_DIR", description = "Continue a run from its last finished epoch.")
        Path resume;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    What what;

    @Mixin
    TrainingFlags flags;

    @Option(names = "--snapshots", paramLabel = "K", description = "Save K members of a snapshot ensemble from this "
            + "run's budget (the snapshots hyperparameter): a cosine schedule restarted K times, the model at the end "
            + "of each cycle written as snapshot-<k>.zip; K must divide the epochs.")
    Integer snapshots;

    @Option(names = "--fit-all", description = "Train on every training image, none held out for validation: a final "
            + "model whose epochs are fixed beforehand (an earlier run's best epoch), with no early stopping; each "
            + "epoch's model is the run's.")
    boolean fitAll;

    @Mixin
    GlobalOptions options;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        flags.applySeed(options);
        Injector injector = Bootstrap.injector(options);
        TrainingEngine engine = injector.getInstance(TrainingEngine.class);
        PrintWriter out = spec.commandLine().getOut();

        List<RunSummary> summaries = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        if (what.resume != null) {
            summaries.add(run(engine, request("resumed").resuming(what.resume), out));
        } else {
            List<String> models = what.all ? SEED_MODELS : List.of(what.model);
            for (String model : models) {
                TrainingRequest request = request(model);
                if (flags.outDir != null) {
                    request = what.all ? request.inRunsDir(flags.outDir) : request.withRunDir(flags.outDir);
                }
                try {
                    summaries.add(run(engine, request, out));
                } catch (TrainingException e) {
                    if (!what.all) {
                        throw e;
                    }
                    // One model failing does not cost the others their run; the exit code still says so.
                    failures.add(model + ": " + e.getMessage());
                    spec.commandLine().getErr().println("fmnist: " + e.getMessage());
                }
            }
        }
        if (summaries.size() > 1) {
            out.println();
            out.printf("%-10s %10s %7s %10s %9s %9s  %s%n", "model", "params", "epochs", "val acc", "test acc",
                    "img/s", "run");
            for (RunSummary s : summaries) {
                String validation = Double.isNaN(s.bestValidationAccuracy()) ? "-"
                        : String.format("%.2f%%", s.bestValidationAccuracy() * 100);
                out.printf("%-10s %,10d %7d %10s %8.2f%% %,9.0f  %s%n", s.modelId(), s.parameters(), s.epochsRun(),
                        validation, s.testAccuracy() * 100, s.trainingImagesPerSecond(), s.runDirectory());
            }
        }
        out.flush();
        if (!failures.isEmpty()) {
            spec.commandLine().getErr().println("fmnist: " + failures.size() + " of " + SEED_MODELS.size()
                    + " models failed: " + String.join("; ", failures));
            return 1;
        }
        return 0;
    }

    private TrainingRequest request(String model) {
        Map<String, String> keys = new LinkedHashMap<>();
        if (snapshots != null) {
            keys.put(ModelBuilder.SNAPSHOTS, Integer.toString(snapshots));
        }
        TrainingRequest request = flags.request(model, keys);
        return fitAll ? request.fittingAll() : request;
    }

    /** A request from the flags that train, distill and finetune share. */
    static TrainingRequest request(String model, Map<String, String> hyperparameters, Integer batchSize,
            String learningRate, Integer epochs, Integer patience, Integer limit, boolean noProgress, String augment) {
        Map<String, String> overrides = new LinkedHashMap<>(hyperparameters);
        if (batchSize != null) {
            overrides.put("batch-size", Integer.toString(batchSize));
        }
        if (learningRate != null) {
            overrides.put("learning-rate", learningRate);
        }
        if (epochs != null && epochs < 1) {
            throw new UserError("--epochs must be at least 1, got " + epochs);
        }
        if (patience != null && patience < 0) {
            throw new UserError("--patience must not be negative, got " + patience);
        }
        boolean progress = !noProgress && System.console() != null;
        return new TrainingRequest(model, overrides, optional(epochs), optional(patience), optional(limit),
                Optional.empty(), Optional.empty(), progress, Optional.ofNullable(augment), Optional.empty());
    }

    /** Trains, the run's log written to its folder too, and prints the summary. */
    public static RunSummary run(TrainingEngine engine, TrainingRequest request, PrintWriter out) {
        RunSummary summary;
        try (RunSetup.Prepared run = engine.prepare(request); RunLog ignored = RunLog.attach(run.dir().log())) {
            summary = engine.train(run, List.of());
        }
        out.printf("%s: %s after %d epochs (%s); %s, test accuracy %.2f%%; %,.0f training "
                + "images/s; %.0f s%n  run folder: %s%n", summary.modelId(), summary.status(), summary.epochsRun(),
                summary.reason().isEmpty() ? "epoch limit" : summary.reason(),
                Double.isNaN(summary.bestValidationAccuracy()) ? "no validation images (the last epoch is the model)"
                        : String.format("best epoch %d: val_acc %.2f%%", summary.bestEpoch(),
                                summary.bestValidationAccuracy() * 100),
                summary.testAccuracy() * 100,
                summary.trainingImagesPerSecond(), summary.totalSeconds(), summary.runDirectory());
        RunDirectory dir = new RunDirectory(Path.of(summary.runDirectory()));
        List<String> members = new ArrayList<>();
        for (int k = 1; k <= 100; k++) { // the snapshots hyperparameter's limit
            if (Files.isRegularFile(dir.snapshotModel(k))) {
                members.add(dir.snapshotModel(k).toString());
            }
        }
        if (!members.isEmpty()) {
            out.printf("  snapshot members: %s%n  their ensemble: fmnist ensemble %s --out %s%n",
                    String.join(", ", members), String.join(" ", members), dir.path().resolve("ensemble"));
        }
        out.flush();
        return summary;
    }

    private static OptionalInt optional(Integer value) {
        return value == null ? OptionalInt.empty() : OptionalInt.of(value);
    }
}
