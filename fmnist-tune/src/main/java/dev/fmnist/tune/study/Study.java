package dev.fmnist.tune.study;

import dev.fmnist.tune.Direction;
import dev.fmnist.tune.Trial;
import dev.fmnist.tune.TrialState;
import dev.fmnist.tune.prune.Pruner;
import dev.fmnist.tune.sampler.Sampler;
import dev.fmnist.tune.space.SearchSpace;
import dev.fmnist.tune.storage.StorageException;
import dev.fmnist.tune.storage.StudyRecord;
import dev.fmnist.tune.storage.StudyStorage;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One worker of a study: it samples, runs and records trials until the study has the requested number of
 * finished ones (complete, pruned or failed, as Optuna counts them), or until {@code maxFailures} trials in a row
 * have failed since it started. Every decision reads the storage afresh, so workers in other processes or
 * machines on the same storage share the count, the history TPE learns from and the pruner's medians; a trial
 * whose worker stopped beating its heartbeat is marked lost and does not count, so another takes its place.
 */
public final class Study {

    private static final Logger log = LoggerFactory.getLogger(Study.class);
    private static final int FINISH_ATTEMPTS = 3;
    private static final long FINISH_PAUSE_MILLIS = 500;

    private final StudyStorage storage;
    private final StudyRecord record;
    private final SearchSpace space;
    private final Sampler sampler;
    private final Pruner pruner;
    private final String worker;
    private final long heartbeatMillis;
    private final int maxFailures;

    /**
     * @param heartbeatMillis how often a running trial beats; one that missed four beats counts as lost
     * @param maxFailures     failed trials in a row after which the study stops (a setting or a plugin that
     *                        cannot train fails every trial the same way)
     */
    public Study(StudyStorage storage, StudyRecord record, SearchSpace space, Sampler sampler, Pruner pruner,
            String worker, long heartbeatMillis, int maxFailures) {
        if (maxFailures < 1) {
            throw new IllegalArgumentException("maxFailures must be at least 1, got " + maxFailures);
        }
        this.storage = storage;
        this.record = storage.openStudy(record);
        this.space = space;
        this.sampler = sampler;
        this.pruner = pruner;
        this.worker = worker;
        this.heartbeatMillis = heartbeatMillis;
        this.maxFailures = maxFailures;
    }

    public StudyRecord record() {
        return record;
    }

    public Direction direction() {
        return record.direction();
    }

    public List<Trial> trials() {
        return storage.trials(record.name());
    }

    /** The best complete trial so far. */
    public Optional<Trial> best() {
        return Trial.best(trials(), direction());
    }

    /**
     * Runs trials until {@code target} are finished, counting those of every worker; returns when no trial of the
     * study is running any more (one whose worker died is lost after four missed heartbeats, and its place taken),
     * or as soon as the trials started since this call end in {@code maxFailures} failed ones (failures of an
     * earlier run, whose cause may have been fixed since, do not stop this one). A study that reaches its target
     * has not stopped, whatever its last trials did.
     *
     * @return the failed trials that stopped the study, newest first; empty when it reached its target
     */
    public List<Trial> optimize(int target, Objective objective, Consumer<TrialOutcome> progress) {
        int fromNumber = nextNumber(trials());
        while (true) {
            List<Integer> dead = storage.loseStale(record.name(), 4 * heartbeatMillis);
            dead.forEach(number -> log.warn("Trial {} of study '{}' stopped beating its heartbeat: marked LOST",
                    number, record.name()));
            List<Trial> trials = trials();
            List<Trial> failures = stoppedByFailures(trials, fromNumber, target);
            if (!failures.isEmpty()) {
                return failures;
            }
            if (taken(trials) >= target) {
                if (trials.stream().noneMatch(t -> t.state() == TrialState.RUNNING)) {
                    return List.of();
                }
                // others' trials still run: wait, as they may die and leave their place to this worker
                sleep(heartbeatMillis);
                continue;
            }
            Map<String, Object> params = sampler.sample(space, trials, direction());
            OptionalInt number = storage.startTrial(record.name(), params, worker, target);
            if (number.isEmpty()) {
                return List.of(); // another worker took the last one meanwhile
            }
            progress.accept(run(number.getAsInt(), params, objective));
        }
    }

    /**
     * The failed trials that stop a study short of its {@code target}: the last {@code maxFailures} or more
     * finished trials numbered from {@code fromNumber} on, when all of them failed; else empty.
     */
    public List<Trial> stoppedByFailures(List<Trial> trials, int fromNumber, int target) {
        List<Trial> failed = Trial.failedInARow(trials, fromNumber);
        return taken(trials) < target && failed.size() >= maxFailures ? failed : List.of();
    }

    /** The trials that count toward the target: all but the lost ones. */
    private static long taken(List<Trial> trials) {
        return trials.stream().filter(t -> t.state() != TrialState.LOST).count();
    }

    /** The number the next trial would get: trials stored before it are numbered below. */
    public static int nextNumber(List<Trial> trials) {
        return trials.stream().mapToInt(Trial::number).max().orElse(-1) + 1;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the study's running trials", e);
        }
    }

    private TrialOutcome run(int number, Map<String, Object> params, Objective objective) {
        ScheduledExecutorService beats = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "fmnist-tune-heartbeat");
            thread.setDaemon(true);
            return thread;
        });
        beats.scheduleAtFixedRate(() -> {
            try {
                storage.heartbeat(record.name(), number);
            } catch (RuntimeException e) {
                log.warn("Heartbeat of trial {} failed: {}", number, e.getMessage());
            }
        }, heartbeatMillis, heartbeatMillis, TimeUnit.MILLISECONDS);
        // the trial beats until its end is recorded: retries of a busy storage must not get it marked lost
        try {
            PruningReporter reporter = new PruningReporter(number);
            double value;
            try {
                value = objective.run(number, params, reporter);
            } catch (StorageException e) {
                throw e; // the storage, not the trial, failed: the study cannot go on
            } catch (Exception e) {
                String failure = e.getMessage() == null || e.getMessage().isBlank() ? e.toString() : e.getMessage();
                log.error("Trial {} of study '{}' failed: {}", number, record.name(), failure);
                return recorded(storage.fail(record.name(), number, failure),
                        new TrialOutcome(number, params, TrialState.FAILED, OptionalDouble.empty(), failure));
            }
            TrialOutcome outcome = reporter.prunedAt > 0
                    ? new TrialOutcome(number, params, TrialState.PRUNED, OptionalDouble.of(reporter.last),
                            "pruned after step " + reporter.prunedAt)
                    : new TrialOutcome(number, params, TrialState.COMPLETE, OptionalDouble.of(value), "");
            return recorded(finish(outcome), outcome);
        } finally {
            beats.shutdownNow();
        }
    }

    /**
     * Records a finished trial, trying again when the storage fails (a lock held too long, a connection lost); a
     * result it still cannot record is reported with its value, never turned into a failed trial.
     */
    private boolean finish(TrialOutcome outcome) {
        StorageException last = null;
        for (int attempt = 1; attempt <= FINISH_ATTEMPTS; attempt++) {
            try {
                return storage.finish(record.name(), outcome.number(), outcome.state(), outcome.value());
            } catch (StorageException e) {
                last = e;
                log.warn("Recording trial {} of study '{}' failed (attempt {} of {}): {}", outcome.number(),
                        record.name(), attempt, FINISH_ATTEMPTS, e.getMessage());
                if (attempt < FINISH_ATTEMPTS) {
                    sleep(FINISH_PAUSE_MILLIS * attempt);
                }
            }
        }
        throw new StorageException("trial " + outcome.number() + " of study '" + record.name() + "' ended "
                + outcome.state() + " with " + record.metric() + " " + outcome.value().getAsDouble() + ", but the "
                + "storage could not record it (" + last.getMessage() + "); its run folder keeps the result", last);
    }

    /**
     * The outcome as stored; a trial that was marked lost while it ran (its heartbeats late: a long pause, a held
     * lock) stays lost, since another trial took its place.
     */
    private TrialOutcome recorded(boolean stored, TrialOutcome outcome) {
        if (stored) {
            return outcome;
        }
        log.warn("Trial {} of study '{}' ended {} after it was marked LOST; its run folder keeps the result, the "
                + "study does not count it", outcome.number(), record.name(), outcome.state());
        return new TrialOutcome(outcome.number(), outcome.params(), TrialState.LOST, outcome.value(),
                "ended " + outcome.state() + " after it was marked lost");
    }

    /** Stores each step's value and asks the pruner, against the study's other trials as stored now. */
    private final class PruningReporter implements Objective.Reporter {
        private final int number;
        private int prunedAt;
        private double last;

        PruningReporter(int number) {
            this.number = number;
        }

        @Override
        public boolean report(int step, double value) {
            storage.report(record.name(), number, step, value);
            last = value;
            List<Trial> all = trials();
            Trial self = all.stream().filter(t -> t.number() == number).findFirst().orElseThrow();
            if (pruner.shouldPrune(self, step, all, direction())) {
                prunedAt = step;
                return true;
            }
            return false;
        }
    }
}
