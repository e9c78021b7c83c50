package dev.fmnist.cli.tune;

import com.google.inject.Injector;
import dev.fmnist.cli.Bootstrap;
import dev.fmnist.cli.GlobalOptions;
import dev.fmnist.cli.UserError;
import dev.fmnist.models.ModelBuilder;
import dev.fmnist.models.ModelException;
import dev.fmnist.models.plugins.ModelRegistry;
import dev.fmnist.training.TrainingConfig;
import dev.fmnist.training.TrainingEngine;
import dev.fmnist.tune.Direction;
import dev.fmnist.tune.Trial;
import dev.fmnist.tune.prune.MedianPruner;
import dev.fmnist.tune.prune.Pruner;
import dev.fmnist.tune.prune.SuccessiveHalvingPruner;
import dev.fmnist.tune.sampler.RandomSampler;
import dev.fmnist.tune.sampler.Sampler;
import dev.fmnist.tune.sampler.TpeSampler;
import dev.fmnist.tune.space.Distribution;
import dev.fmnist.tune.space.SearchSpace;
import dev.fmnist.tune.storage.JdbcStudyStorage;
import dev.fmnist.tune.storage.StorageException;
import dev.fmnist.tune.storage.StudyRecord;
import dev.fmnist.tune.study.Study;
import dev.fmnist.tune.study.TrialOutcome;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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

    /** Set for the worker processes of {@code --parallel}: which one each is. */
    private static final String WORKER_ENV = "FMNIST_TUNE_WORKER";

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
        int cores = Runtime.getRuntime().availableProcessors();
        if (parallel < 1 || parallel > cores) {
            throw new UserError("--parallel must be 1 to this machine's " + cores + " processors, got " + parallel);
        }
        if (maxFailures < 1) {
            throw new UserError("--max-failures must be at least 1, got " + maxFailures);
        }
        if (heartbeatSeconds < 1) {
            throw new UserError("--heartbeat-seconds must be at least 1, got " + heartbeatSeconds);
        }
        if (!Files.isRegularFile(space)) {
            throw new UserError("--space " + space + ": no such file");
        }
        SearchSpace searchSpace;
        try {
            searchSpace = SearchSpace.read(space);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
        Injector injector = Bootstrap.injector(options);
        TrainingConfig config = injector.getInstance(TrainingConfig.class);
        checkNames(injector.getInstance(ModelRegistry.class), searchSpace);
        String name = study != null ? study : model + "-tune";
        Path studyDir = out != null ? out : config.runsDir().resolve("tune").resolve(name);
        try {
            Files.createDirectories(studyDir);
        } catch (java.io.IOException e) {
            throw new UserError("cannot create the study folder " + studyDir + ": " + e.getMessage());
        }
        String metric = config.monitor();
        OptionalInt budget = OptionalInt.of(budgetEpochs == null ? config.epochs() : budgetEpochs);
        StudyRecord wanted = new StudyRecord(name, Direction.of(metric), metric,
                StudyFolder.config(model, budget, readSpace()));
        PrintWriter out = spec.commandLine().getOut();
        try (JdbcStudyStorage storage = storageUrl != null ? JdbcStudyStorage.open(storageUrl)
                : JdbcStudyStorage.sqlite(studyDir.resolve("study.db"))) {
            StudyRecord existing = storage.study(name).orElse(wanted);
            if (!existing.config().equals(wanted.config()) || !existing.metric().equals(metric)) {
                throw new UserError("study '" + name + "' exists with other settings (" + existing.metric() + "; "
                        + existing.config().replace('\n', ' ') + "); name a new one with --study");
            }
            long seed = injector.getInstance(dev.fmnist.data.DataConfig.class).seed();
            int before = storage.trials(name).size();
            // each worker of a --parallel run samples its own stream; a lone worker resumes on a fresh one
            long workerIndex = Long.parseLong(System.getenv().getOrDefault(WORKER_ENV, "0"));
            Sampler chosen = sampler(seed * 1_000_003L + before * 7_919L + workerIndex);
            Study run = new Study(storage, wanted, searchSpace, chosen, pruner(), worker(), heartbeatSeconds * 1000L,
                    maxFailures);
            TrainingObjective objective = new TrainingObjective(injector.getInstance(TrainingEngine.class), model,
                    metric, studyDir, budgetEpochs == null ? OptionalInt.empty() : OptionalInt.of(budgetEpochs),
                    limit == null ? OptionalInt.empty() : OptionalInt.of(limit));
            boolean child = workerIndex > 0; // a worker of --parallel: the parent says the rest
            if (!child) {
                out.printf("Study '%s': %s of %s, %d trials wanted, %d in the storage; trials in %s%n", name,
                        Direction.of(metric) == Direction.MAXIMIZE ? "maximize" : "minimize", metric, trials, before,
                        studyDir);
                out.flush();
            }
            int firstNumber = Study.nextNumber(storage.trials(name));
            if (parallel > 1) {
                workers(cores);
            } else {
                run.optimize(trials, objective, outcome -> print(out, outcome, metric));
            }
            Trial best = run.best().orElse(null);
            if (child) {
                return 0;
            }
            List<Trial> failures = run.stoppedByFailures(run.trials(), firstNumber, trials);
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
                    StudyFolder.trainCommand(model, budget, best));
            out.flush();
            return 0;
        } catch (StorageException e) {
            throw new UserError(e.getMessage());
        }
    }

    /**
     * Runs the study in {@code parallel} processes of this same command line (with {@code --parallel 1}), each with
     * {@code cores / parallel} OpenMP threads, and waits for them; they share the study through its storage.
     */
    private void workers(int cores) {
        ProcessHandle.Info self = ProcessHandle.current().info();
        if (self.command().isEmpty() || self.arguments().isEmpty()) {
            throw new UserError("--parallel: this platform does not tell a process its own command line; start "
                    + parallel + " 'fmnist tune' commands with the same --study and --out instead");
        }
        List<String> command = new ArrayList<>();
        command.add(self.command().get());
        String[] arguments = self.arguments().get();
        for (int i = 0; i < arguments.length; i++) {
            if (arguments[i].equals("--parallel") && i + 1 < arguments.length) {
                i++; // its value goes too
            } else if (arguments[i].startsWith("-Dfmnist.threads.pinned=")) {
                // each worker keeps its share of the cores: no measuring with all of them
                command.add("-Dfmnist.threads.pinned=true");
            } else if (!arguments[i].startsWith("--parallel=")) {
                command.add(arguments[i]);
            }
        }
        List<Process> processes = new ArrayList<>();
        try {
            for (int k = 0; k < parallel; k++) {
                ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
                builder.environment().put("OMP_NUM_THREADS", Integer.toString(Math.max(1, cores / parallel)));
                builder.environment().put("SD_MAX_THREADS", Integer.toString(Math.max(1, cores / parallel)));
                builder.environment().put(WORKER_ENV, Integer.toString(k + 1));
                processes.add(builder.start());
            }
            int failed = 0;
            for (Process process : processes) {
                failed += process.waitFor() == 0 ? 0 : 1;
            }
            if (failed > 0) {
                throw new UserError(failed + " of " + parallel + " worker processes failed; their output is above");
            }
        } catch (java.io.IOException e) {
            processes.forEach(Process::destroy);
            throw new UserError("cannot start a worker process: " + e.getMessage());
        } catch (InterruptedException e) {
            processes.forEach(Process::destroy);
            Thread.currentThread().interrupt();
            throw new UserError("interrupted while the workers ran");
        }
    }

    /** Every name must be a hyperparameter of the model or of the platform, checked before any trial runs. */
    private void checkNames(ModelRegistry registry, SearchSpace searchSpace) {
        Map<String, String> probe = new LinkedHashMap<>();
        searchSpace.parameters().forEach((name, distribution) -> probe.put(name, String.valueOf(first(distribution))));
        try {
            ModelBuilder.resolve(registry.get(model), probe);
        } catch (ModelException e) {
            throw new UserError("--space " + space + ": " + e.getMessage());
        }
    }

    private static Object first(Distribution distribution) {
        if (distribution instanceof Distribution.FloatRange range) {
            return range.low();
        }
        if (distribution instanceof Distribution.IntRange range) {
            return range.low();
        }
        return ((Distribution.Categorical) distribution).choices().get(0);
    }

    private String readSpace() {
        try {
            return Files.readString(space).strip();
        } catch (java.io.IOException e) {
            throw new UserError("cannot read --space " + space + ": " + e.getMessage());
        }
    }

    private Sampler sampler(long seed) {
        return switch (sampler) {
            case "tpe" -> new TpeSampler(seed);
            case "random" -> new RandomSampler(seed);
            default -> throw new UserError("--sampler must be tpe or random, got '" + sampler + "'");
        };
    }

    private Pruner pruner() {
        return switch (pruner) {
            case "median" -> new MedianPruner();
            case "asha" -> new SuccessiveHalvingPruner();
            case "none" -> Pruner.NONE;
            default -> throw new UserError("--pruner must be median, asha or none, got '" + pruner + "'");
        };
    }

    private static String worker() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            host = "localhost";
        }
        return host + ":" + ManagementFactory.getRuntimeMXBean().getPid();
    }

    private static void print(PrintWriter out, TrialOutcome outcome, String metric) {
        out.printf(Locale.ROOT, "trial %d: %s%s, %s%s%n", outcome.number(), outcome.state(),
                outcome.value().isPresent() ? String.format(Locale.ROOT, " %s %.4f", metric,
                        outcome.value().getAsDouble()) : "", Trial.describe(outcome.params()),
                outcome.detail().isEmpty() ? "" : " (" + outcome.detail() + ")");
        out.flush();
    }

}
