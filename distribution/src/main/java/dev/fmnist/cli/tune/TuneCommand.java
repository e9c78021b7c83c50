package dev.fmnist.cli.tune;

import com.google.inject.Injector;
import dev.fmnist.cli.Bootstrap;
import dev.fmnist.cli.GlobalOptions;
import dev.fmnist.cli.UserError;
import dev.fmnist.data.DataConfig;
import dev.fmnist.models.ModelBuilder;
import dev.fmnist.models.ModelException;
import dev.fmnist.models.plugins.ModelRegistry;
import dev.fmnist.training.TrainingConfig;
import dev.fmnist.training.TrainingEngine;
import dev.fmnist.tune.Direction;
import dev.fmnist.tune.Trial;
import dev.fmnist.tune.space.SearchSpace;
import dev.fmnist.tune.storage.JdbcStudyStorage;
import dev.fmnist.tune.storage.StorageException;
import dev.fmnist.tune.storage.StudyRecord;
import dev.fmnist.tune.study.StudyRunner;
import dev.fmnist.tune.study.TrialOutcome;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "tune", mixinStandardHelpOptions = true, sortOptions = false,
        subcommands = {TuneReportCommand.class, TuneBestCommand.class},
        description = "Search a model's hyperparameters: a study of trials, each a normal run folder, chosen by TPE "
                + "and stopped early by a pruner; stored in SQLite (or PostgreSQL) so it resumes and can be shared.")
public final class TuneCommand implements Callable<Integer> {

    @Option(names = "--model", paramLabel = "ID", description = "The model plugin to tune.")
    String model;

    @Option(names = "--space", paramLabel = "FILE", description = "The search space (YAML): "
            + "name: {type: float|int|categorical, low, high, log, choices}; names are the model's hyperparameters "
            + "or the platform's (batch-size, learning-rate, label-smoothing, augment).")
    Path space;

    @Option(names = "--trials", paramLabel = "N", description = "Finished trials the study should "
            + "have (complete, pruned or failed, as Optuna counts them; a trial whose worker died is replaced); a "
            + "study run again goes on to this count.")
    Integer trials;

    @Option(names = "--max-failures", paramLabel = "N", defaultValue = "3", description = "Stop the study, with "
            + "the failing trial's sentence and exit status 1, after N of its trials failed in a row "
            + "(default: ${DEFAULT-VALUE}).")
    int maxFailures;

    @Option(names = "--study", paramLabel = "NAME", description = "The study's name (default: <model>-tune).")
    String study;

    @Option(names = "--out", paramLabel = "DIR", description = "The study folder with the trials' run folders "
            + "(default: runs/tune/<study>).")
    Path out;

    @Option(names = "--storage", paramLabel = "URL", description = "A JDBC URL to keep the study in, e.g. "
            + "jdbc:postgresql://host/db?user=u&password=p to share it between machines (default: an SQLite file, "
            + "<study folder>/study.db).")
    String storageUrl;

    @Option(names = "--budget-epochs", paramLabel = "E", description = "Epochs per trial (default: train.epochs).")
    Integer budgetEpochs;

    @Option(names = "--limit", paramLabel = "N", description = "Train each trial on at most N images.")
    Integer limit;

    @Option(names = "--sampler", paramLabel = "tpe|random", defaultValue = "tpe",
            description = "How values are chosen (default: ${DEFAULT-VALUE}).")
    String sampler;

    @Option(names = "--pruner", paramLabel = "median|asha|none", defaultValue = "median",
            description = "When a trial stops early (default: ${DEFAULT-VALUE}).")
    String pruner;

    @Option(names = "--parallel", paramLabel = "K", defaultValue = "1", description = "Worker processes on this "
            + "machine, each with its share of the cores (OMP_NUM_THREADS = cores / K); at most the processor count "
            + "(default: ${DEFAULT-VALUE}).")
    int parallel;

    @Option(names = "--heartbeat-seconds", paramLabel = "S", defaultValue = "10", description = "How often a "
            + "running trial says it is alive; one silent for 4 beats is marked lost and replaced "
            + "(default: ${DEFAULT-VALUE}).")
    int heartbeatSeconds;

    @Mixin
    GlobalOptions options;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (model == null || space == null || trials == null) {
            throw new UserError("a study needs --model, --space and --trials (or a subcommand: report, best)");
        }
        if (trials < 1) {
            throw new UserError("--trials must be at least 1, got " + trials);
        }
        if (budgetEpochs != null && budgetEpochs < 1) {
            throw new UserError("--budget-epochs must be at least 1, got " + budgetEpochs);
        }
        if (!Files.isRegularFile(space)) {
            throw new UserError("--space " + space + ": no such file");
        }
        Injector injector = Bootstrap.injector(options);
        SearchSpace searchSpace;
        StudyRunner.Settings settings;
        try {
            searchSpace = SearchSpace.read(space);
            settings = new StudyRunner.Settings(sampler, pruner, parallel, maxFailures, heartbeatSeconds,
                    injector.getInstance(DataConfig.class).seed());
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
        TrainingConfig config = injector.getInstance(TrainingConfig.class);
        checkNames(injector.getInstance(ModelRegistry.class), searchSpace);
        String name = study != null ? study : model + "-tune";
        Path studyDir = out != null ? out : config.runsDir().resolve("tune").resolve(name);
        try {
            Files.createDirectories(studyDir);
        } catch (IOException e) {
            throw new UserError("cannot create the study folder " + studyDir + ": " + e.getMessage());
        }
        String metric = config.monitor();
        OptionalInt budget = OptionalInt.of(budgetEpochs == null ? config.epochs() : budgetEpochs);
        StudyRecord wanted = new StudyRecord(name, Direction.of(metric), metric,
                StudyFolder.config(model, budget, readSpace()));
        PrintWriter out = spec.commandLine().getOut();
        try (JdbcStudyStorage storage = storageUrl != null ? JdbcStudyStorage.open(storageUrl)
                : JdbcStudyStorage.sqlite(studyDir.resolve("study.db"))) {
            StudyRecord stored = storage.study(name).orElse(wanted);
            if (!stored.metric().equals(metric) && stored.config().equals(wanted.config())) {
                // studies made before val_accuracy became train.monitor's default (2026-12-07) optimize val_loss
                throw new UserError("study '" + name + "' optimizes " + stored.metric() + ", not " + metric
                        + " (train.monitor): resume it with --conf train.monitor=" + stored.metric()
                        + ", or name a new study with --study");
            }
            StudyRunner runner;
            try {
                runner = new StudyRunner(storage, wanted, searchSpace, settings);
            } catch (IllegalArgumentException e) {
                throw new UserError(e.getMessage()); // a study of that name with other settings
            }
            TrainingObjective objective = new TrainingObjective(injector.getInstance(TrainingEngine.class), model,
                    metric, studyDir, budgetEpochs == null ? OptionalInt.empty() : OptionalInt.of(budgetEpochs),
                    limit == null ? OptionalInt.empty() : OptionalInt.of(limit));
            if (!runner.isWorker()) {
                out.printf("Study '%s': %s of %s, %d trials wanted, %d in the storage; trials in %s%n", name,
                        Direction.of(metric) == Direction.MAXIMIZE ? "maximize" : "minimize", metric, trials,
                        runner.trialsBefore(), studyDir);
                out.flush();
            }
            List<Trial> failures;
            try {
                failures = runner.run(trials, objective, outcome -> print(out, outcome, metric));
            } catch (StudyRunner.WorkersFailed e) {
                throw new UserError(e.getMessage());
            }
            if (runner.isWorker()) {
                return 0; // a worker of --parallel: the parent says the rest
            }
            Trial best = runner.study().best().orElse(null);
            if (!failures.isEmpty()) {
                out.flush();
                throw new UserError("study '" + name + "' stopped (--max-failures " + maxFailures + "): "
                        + Trial.describeFailures(failures));
            }
            if (best == null) {
                out.println("No trial completed.");
                return 1;
            }
            out.printf(Locale.ROOT, "Best: trial %d, %s %.4f, %s%n  run folder: %s%n  train it: %s%n",
                    best.number(), metric, best.value().getAsDouble(), best.describeParams(),
                    TrainingObjective.trialDir(studyDir, best.number()),
                    StudyFolder.trainCommand(model, budget, metric, best));
            out.flush();
            return 0;
        } catch (StorageException e) {
            throw new UserError(e.getMessage());
        }
    }

    /** Every name must be a hyperparameter of the model or of the platform, checked before any trial runs. */
    private void checkNames(ModelRegistry registry, SearchSpace searchSpace) {
        try {
            ModelBuilder.resolve(registry.get(model), searchSpace.firstValues());
        } catch (ModelException e) {
            throw new UserError("--space " + space + ": " + e.getMessage());
        }
    }

    private String readSpace() {
        try {
            return Files.readString(space).strip();
        } catch (IOException e) {
            throw new UserError("cannot read --space " + space + ": " + e.getMessage());
        }
    }

    private static void print(PrintWriter out, TrialOutcome outcome, String metric) {
        out.printf(Locale.ROOT, "trial %d: %s%s, %s%s%n", outcome.number(), outcome.state(),
                outcome.value().isPresent() ? String.format(Locale.ROOT, " %s %.4f", metric,
                        outcome.value().getAsDouble()) : "", Trial.describe(outcome.params()),
                outcome.detail().isEmpty() ? "" : " (" + outcome.detail() + ")");
        out.flush();
    }
}
