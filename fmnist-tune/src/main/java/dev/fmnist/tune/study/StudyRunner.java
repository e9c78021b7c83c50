package dev.fmnist.tune.study;

import dev.fmnist.tune.Trial;
import dev.fmnist.tune.prune.MedianPruner;
import dev.fmnist.tune.prune.Pruner;
import dev.fmnist.tune.prune.SuccessiveHalvingPruner;
import dev.fmnist.tune.sampler.RandomSampler;
import dev.fmnist.tune.sampler.Sampler;
import dev.fmnist.tune.sampler.TpeSampler;
import dev.fmnist.tune.space.SearchSpace;
import dev.fmnist.tune.storage.StudyRecord;
import dev.fmnist.tune.storage.StudyStorage;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Runs a study to a number of finished trials on this machine, for any caller: in this process, or in worker
 * processes that each run this same command line with their share of the cores and meet in the study's storage.
 * It checks that a stored study of that name was started with the same settings, seeds each worker's sampler on its
 * own stream (a study run again continues on a fresh one), and names the worker for the trials it runs.
 */
public final class StudyRunner {

    /** Set for the worker processes of a parallel run: which one each is (1, 2, ...). */
    public static final String WORKER_ENV = "FMNIST_TUNE_WORKER";

    /**
     * How a study runs.
     *
     * @param sampler          {@code tpe} or {@code random}
     * @param pruner           {@code median}, {@code asha} or {@code none}
     * @param parallel         worker processes; 1 runs in this process
     * @param maxFailures      failed trials in a row that stop the study
     * @param heartbeatSeconds how often a running trial says it is alive
     * @param seed             the platform's seed, from which every worker's sampler seed is derived
     */
    public record Settings(String sampler, String pruner, int parallel, int maxFailures, int heartbeatSeconds,
            long seed) {

        /** @throws IllegalArgumentException naming the setting and what is wrong */
        public Settings {
            int cores = Runtime.getRuntime().availableProcessors();
            if (parallel < 1 || parallel > cores) {
                throw new IllegalArgumentException("--parallel must be 1 to this machine's " + cores
                        + " processors, got " + parallel);
            }
            if (maxFailures < 1) {
                throw new IllegalArgumentException("--max-failures must be at least 1, got " + maxFailures);
            }
            if (heartbeatSeconds < 1) {
                throw new IllegalArgumentException("--heartbeat-seconds must be at least 1, got " + heartbeatSeconds);
            }
            StudyRunner.sampler(sampler, 0);
            StudyRunner.pruner(pruner);
        }
    }

    /** Worker processes that could not start, or ended in failure: said in a sentence for the user. */
    public static final class WorkersFailed extends RuntimeException {
        WorkersFailed(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final Study study;
    private final Settings settings;
    private final int trialsBefore;
    private final long workerIndex;

    /**
     * Opens the study in {@code storage}.
     *
     * @throws IllegalArgumentException when a study of that name exists with other settings
     */
    public StudyRunner(StudyStorage storage, StudyRecord wanted, SearchSpace space, Settings settings) {
        StudyRecord existing = storage.study(wanted.name()).orElse(wanted);
        if (!existing.config().equals(wanted.config()) || !existing.metric().equals(wanted.metric())) {
            throw new IllegalArgumentException("study '" + wanted.name() + "' exists with other settings ("
                    + existing.metric() + "; " + existing.config().replace('\n', ' ') + "); name a new one with --study");
        }
        this.settings = settings;
        this.trialsBefore = storage.trials(wanted.name()).size();
        this.workerIndex = Long.parseLong(System.getenv().getOrDefault(WORKER_ENV, "0"));
        // each worker samples its own stream; a lone worker resumes on a fresh one
        long seed = settings.seed() * 1_000_003L + trialsBefore * 7_919L + workerIndex;
        this.study = new Study(storage, wanted, space, sampler(settings.sampler(), seed), pruner(settings.pruner()),
                workerName(), settings.heartbeatSeconds() * 1000L, settings.maxFailures());
    }

    public Study study() {
        return study;
    }

    /** Trials the storage held when the runner opened the study. */
    public int trialsBefore() {
        return trialsBefore;
    }

    /** Whether this process is one of a parallel run's workers (whose parent reports the study). */
    public boolean isWorker() {
        return workerIndex > 0;
    }

    /**
     * Runs trials until the study has {@code target} finished ones: here, or in {@link Settings#parallel} worker
     * processes (then {@code progress} hears nothing: the workers print their own).
     *
     * @return the trials that stopped the study by failing in a row; empty when it was not stopped so
     * @throws WorkersFailed when a worker process cannot be started or fails
     */
    public List<Trial> run(int target, Objective objective, Consumer<TrialOutcome> progress) {
        int firstNumber = Study.nextNumber(study.trials());
        if (settings.parallel() > 1) {
            WorkerProcesses.run(settings.parallel(), WORKER_ENV);
        } else {
            study.optimize(target, objective, progress);
        }
        return study.stoppedByFailures(study.trials(), firstNumber, target);
    }

    /** @throws IllegalArgumentException for a name that is not a sampler */
    public static Sampler sampler(String name, long seed) {
        return switch (name) {
            case "tpe" -> new TpeSampler(seed);
            case "random" -> new RandomSampler(seed);
            default -> throw new IllegalArgumentException("--sampler must be tpe or random, got '" + name + "'");
        };
    }

    /** @throws IllegalArgumentException for a name that is not a pruner */
    public static Pruner pruner(String name) {
        return switch (name) {
            case "median" -> new MedianPruner();
            case "asha" -> new SuccessiveHalvingPruner();
            case "none" -> Pruner.NONE;
            default -> throw new IllegalArgumentException("--pruner must be median, asha or none, got '" + name + "'");
        };
    }

    /** This process as its trials name their worker: host and process id. */
    private static String workerName() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "localhost";
        }
        return host + ":" + ManagementFactory.getRuntimeMXBean().getPid();
    }

    /** Copies of this process's own command line, each with its share of the cores. */
    static final class WorkerProcesses {

        private WorkerProcesses() {}

        /**
         * Runs {@code parallel} processes of this same command line (with {@code --parallel} left out), each with
         * {@code cores / parallel} OpenMP threads and its index in {@code workerEnv}, and waits for them.
         */
        static void run(int parallel, String workerEnv) {
            int threads = Math.max(1, Runtime.getRuntime().availableProcessors() / parallel);
            ProcessHandle.Info self = ProcessHandle.current().info();
            if (self.command().isEmpty() || self.arguments().isEmpty()) {
                throw new WorkersFailed("--parallel: this platform does not tell a process its own command line; "
                        + "start " + parallel + " 'fmnist tune' commands with the same --study and --out instead", null);
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
                    builder.environment().put("OMP_NUM_THREADS", Integer.toString(threads));
                    builder.environment().put("SD_MAX_THREADS", Integer.toString(threads));
                    builder.environment().put(workerEnv, Integer.toString(k + 1));
                    processes.add(builder.start());
                }
                int failed = 0;
                for (Process process : processes) {
                    failed += process.waitFor() == 0 ? 0 : 1;
                }
                if (failed > 0) {
                    throw new WorkersFailed(failed + " of " + parallel + " worker processes failed; their output "
                            + "is above", null);
                }
            } catch (IOException e) {
                processes.forEach(Process::destroy);
                throw new WorkersFailed("cannot start a worker process: " + e.getMessage(), e);
            } catch (InterruptedException e) {
                processes.forEach(Process::destroy);
                Thread.currentThread().interrupt();
                throw new WorkersFailed("interrupted while the workers ran", e);
            }
        }
    }
}
