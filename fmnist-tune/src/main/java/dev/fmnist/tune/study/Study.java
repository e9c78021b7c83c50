package dev.fmnist.tune.study;

import dev.fmnist.tune.Direction;
import dev.fmnist.tune.Trial;
import dev.fmnist.tune.TrialState;
import dev.fmnist.tune.prune.Pruner;
import dev.fmnist.tune.sampler.Sampler;
import dev.fmnist.tune.space.SearchSpace;
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
 * finished ones (complete or pruned). Every decision reads the storage afresh, so workers in other processes
 * or machines on the same storage share the count, the history TPE learns from and the pruner's medians; a
 * trial whose worker stopped beating its heartbeat is marked failed and does not count, so another takes its
 * place.
 */
public final class Study {

    private static final Logger log = LoggerFactory.getLogger(Study.class);

    private final StudyStorage storage;
    private final StudyRecord record;
    private final SearchSpace space;
    private final Sampler sampler;
    private final Pruner pruner;
    private final String worker;
    private final long heartbeatMillis;

    /**
     * @param heartbeatMillis how often a running trial beats; one that missed four beats counts as dead
     */
    public Study(StudyStorage storage, StudyRecord record, SearchSpace space, Sampler sampler, Pruner pruner,
            String worker, long heartbeatMillis) {
        this.storage = storage;
        this.record = storage.openStudy(record);
        this.space = space;
        this.sampler = sampler;
        this.pruner = pruner;
        this.worker = worker;
        this.heartbeatMillis = heartbeatMillis;
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
     * Runs trials until {@code target} are complete or pruned, counting those of every worker; returns when no
     * trial of the study is running any more (one whose worker died is failed after four missed heartbeats, and
     * its place taken).
     */
    public void optimize(int target, Objective objective, Consumer<TrialOutcome> progress) {
        while (true) {
            List<Integer> dead = storage.failStale(record.name(), 4 * heartbeatMillis);
            dead.forEach(number -> log.warn("Trial {} of study '{}' stopped beating its heartbeat: marked FAILED",
                    number, record.name()));
            List<Trial> trials = trials();
            long taken = trials.stream().filter(t -> t.state() != TrialState.FAILED).count();
            if (taken >= target) {
                if (trials.stream().noneMatch(t -> t.state() == TrialState.RUNNING)) {
                    return;
                }
                // others' trials still run: wait, as they may die and leave their place to this worker
                sleep(heartbeatMillis);
                continue;
            }
            Map<String, Object> params = sampler.sample(space, trials, direction());
            OptionalInt number = storage.startTrial(record.name(), params, worker, target);
            if (number.isEmpty()) {
                return; // another worker took the last one meanwhile
            }
            progress.accept(run(number.getAsInt(), params, objective));
        }
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
        PruningReporter reporter = new PruningReporter(number);
        try {
            double value = objective.run(number, params, reporter);
            if (reporter.prunedAt > 0) {
                storage.finish(record.name(), number, TrialState.PRUNED, OptionalDouble.of(reporter.last));
                return new TrialOutcome(number, params, TrialState.PRUNED, OptionalDouble.of(reporter.last),
                        "pruned after step " + reporter.prunedAt);
            }
            storage.finish(record.name(), number, TrialState.COMPLETE, OptionalDouble.of(value));
            return new TrialOutcome(number, params, TrialState.COMPLETE, OptionalDouble.of(value), "");
        } catch (Exception e) {
            log.error("Trial {} of study '{}' failed: {}", number, record.name(), e.getMessage());
            storage.finish(record.name(), number, TrialState.FAILED, OptionalDouble.empty());
            return new TrialOutcome(number, params, TrialState.FAILED, OptionalDouble.empty(),
                    String.valueOf(e.getMessage()));
        } finally {
            beats.shutdownNow();
        }
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
