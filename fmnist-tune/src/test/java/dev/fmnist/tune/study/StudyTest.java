package dev.fmnist.tune.study;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fmnist.tune.Direction;
import dev.fmnist.tune.Trial;
import dev.fmnist.tune.TrialState;
import dev.fmnist.tune.prune.MedianPruner;
import dev.fmnist.tune.prune.Pruner;
import dev.fmnist.tune.sampler.TpeSampler;
import dev.fmnist.tune.space.Distribution.FloatRange;
import dev.fmnist.tune.space.SearchSpace;
import dev.fmnist.tune.storage.JdbcStudyStorage;
import dev.fmnist.tune.storage.StorageException;
import dev.fmnist.tune.storage.StudyStorage;
import dev.fmnist.tune.storage.StudyRecord;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Studies on an SQLite file with a cheap objective: a learning curve whose ceiling depends on x. */
class StudyTest {

    private static final StudyRecord RECORD = new StudyRecord("curve", Direction.MAXIMIZE, "val_accuracy", "test");
    private static final SearchSpace SPACE = new SearchSpace(Map.of("x", new FloatRange(0, 1, false)));

    @TempDir
    Path dir;

    /** Accuracy approaching 0.9 - (x - 0.3)^2 over 5 epochs. */
    private static final Objective CURVE = (number, params, reporter) -> {
        double ceiling = 0.9 - Math.pow((Double) params.get("x") - 0.3, 2);
        double value = 0;
        for (int epoch = 1; epoch <= 5; epoch++) {
            value = ceiling * (1 - Math.exp(-epoch));
            if (reporter.report(epoch, value)) {
                return value;
            }
        }
        return value;
    };

    private Study study(JdbcStudyStorage storage, Pruner pruner, long seed, String worker) {
        return new Study(storage, RECORD, SPACE, new TpeSampler(seed, 5, 24, 1.0), pruner, worker, 1000, 3);
    }

    @Test
    void runsTheRequestedCountAndResumesWhereItStopped() {
        List<TrialOutcome> outcomes = new ArrayList<>();
        try (JdbcStudyStorage storage = JdbcStudyStorage.sqlite(dir.resolve("study.db"))) {
            study(storage, Pruner.NONE, 1, "w").optimize(8, CURVE, outcomes::add);
        }
        assertThat(outcomes).hasSize(8).allMatch(o -> o.state() == TrialState.COMPLETE);
        try (JdbcStudyStorage storage = JdbcStudyStorage.sqlite(dir.resolve("study.db"))) {
            Study again = study(storage, Pruner.NONE, 2, "w");
            again.optimize(12, CURVE, outcomes::add);
            assertThat(again.trials()).hasSize(12);
            assertThat(outcomes).hasSize(12);
            assertThat(again.best().orElseThrow().value().getAsDouble()).isGreaterThan(0.8);
        }
    }

    @Test
    void theMedianPrunerStopsTrialsBelowTheCurvesBeforeThem() {
        try (JdbcStudyStorage storage = JdbcStudyStorage.sqlite(dir.resolve("study.db"))) {
            Study study = study(storage, new MedianPruner(3, 1), 3, "w");
            study.optimize(20, CURVE, outcome -> { });
            List<Trial> trials = study.trials();
            assertThat(trials).hasSize(20);
            List<Trial> pruned = trials.stream().filter(t -> t.state() == TrialState.PRUNED).toList();
            assertThat(pruned).isNotEmpty();
            // a pruned trial stopped early, with the value it had then
            assertThat(pruned).allMatch(t -> t.intermediate().lastKey() < 5
                    && t.value().getAsDouble() == t.intermediate().lastEntry().getValue());
        }
    }

    @Test
    void aFailingTrialIsRecordedCountsAndTheStudyGoesOn() {
        Objective flaky = (number, params, reporter) -> {
            if (number == 1) {
                throw new IllegalStateException("out of memory, say");
            }
            return CURVE.run(number, params, reporter);
        };
        try (JdbcStudyStorage storage = JdbcStudyStorage.sqlite(dir.resolve("study.db"))) {
            Study study = study(storage, Pruner.NONE, 4, "w");
            List<TrialOutcome> outcomes = new ArrayList<>();
            assertThat(study.optimize(4, flaky, outcomes::add)).isEmpty();
            // as in Optuna, the failed trial is one of the four
            assertThat(outcomes).extracting(TrialOutcome::state).containsExactly(TrialState.COMPLETE,
                    TrialState.FAILED, TrialState.COMPLETE, TrialState.COMPLETE);
            assertThat(outcomes.get(1).detail()).isEqualTo("out of memory, say");
            assertThat(study.trials().get(1).failure()).isEqualTo("out of memory, say");
        }
    }

    @Test
    void aStudyWhoseTrialsAllFailStopsAfterMaxFailuresWithTheLastSentence() {
        Objective broken = (number, params, reporter) -> {
            throw new IllegalStateException("Cannot perform backprop (trial " + number + ")");
        };
        try (JdbcStudyStorage storage = JdbcStudyStorage.sqlite(dir.resolve("study.db"))) {
            List<TrialOutcome> outcomes = new ArrayList<>();
            Study study = new Study(storage, RECORD, SPACE, new TpeSampler(1), Pruner.NONE, "w", 1000, 2);
            List<Trial> stopped = study.optimize(1000, broken, outcomes::add);
            assertThat(outcomes).hasSize(2).allMatch(o -> o.state() == TrialState.FAILED);
            assertThat(stopped).extracting(Trial::number).containsExactly(1, 0);
            assertThat(stopped.get(0).failure()).isEqualTo("Cannot perform backprop (trial 1)");

            // run again (the cause fixed, say): the earlier failures do not stop it before it tries
            Objective fixed = (number, params, reporter) -> CURVE.run(number, params, reporter);
            Study again = new Study(storage, RECORD, SPACE, new TpeSampler(1), Pruner.NONE, "w", 1000, 2);
            assertThat(again.optimize(4, fixed, outcome -> { })).isEmpty();
            assertThat(again.trials()).extracting(Trial::state).containsExactly(TrialState.FAILED,
                    TrialState.FAILED, TrialState.COMPLETE, TrialState.COMPLETE);
        }
    }

    /** A storage that cannot record results: the study stops with the result's value, the trial is not FAILED. */
    @Test
    void aResultTheStorageCannotRecordIsReportedWithItsValueNeverAsAFailedTrial() {
        try (JdbcStudyStorage real = JdbcStudyStorage.sqlite(dir.resolve("study.db"))) {
            StudyStorage broken = new StudyStorage() {
                public StudyRecord openStudy(StudyRecord wanted) { return real.openStudy(wanted); }
                public Optional<StudyRecord> study(String name) { return real.study(name); }
                public List<StudyRecord> studies() { return real.studies(); }
                public OptionalInt startTrial(String study, Map<String, Object> params, String worker, int max) {
                    return real.startTrial(study, params, worker, max);
                }
                public void report(String study, int number, int step, double value) {
                    real.report(study, number, step, value);
                }
                public void heartbeat(String study, int number) { real.heartbeat(study, number); }
                public boolean finish(String study, int number, TrialState state, OptionalDouble value) {
                    throw new StorageException("database is locked", null);
                }
                public boolean fail(String study, int number, String failure) { return real.fail(study, number, failure); }
                public List<Trial> trials(String study) { return real.trials(study); }
                public List<Integer> loseStale(String study, long staleMillis) { return real.loseStale(study, staleMillis); }
                public void close() { }
            };
            Study study = new Study(broken, RECORD, SPACE, new TpeSampler(1), Pruner.NONE, "w", 1000, 3);
            assertThatThrownBy(() -> study.optimize(1, CURVE, outcome -> { }))
                    .isInstanceOf(StorageException.class)
                    .hasMessageContaining("trial 0 of study 'curve' ended COMPLETE with val_accuracy 0.")
                    .hasMessageContaining("the storage could not record it (database is locked)");
            assertThat(real.trials(RECORD.name()).get(0).state()).isNotEqualTo(TrialState.FAILED);
        }
    }

    @Test
    void aTrialOfAWorkerThatDiedIsLostAndItsPlaceTaken() {
        try (JdbcStudyStorage storage = JdbcStudyStorage.sqlite(dir.resolve("study.db"))) {
            storage.openStudy(RECORD);
            int orphan = storage.startTrial(RECORD.name(), Map.of("x", 0.5), "killed-worker"); // never beats again
            Study study = new Study(storage, RECORD, SPACE, new TpeSampler(5), Pruner.NONE, "w", 100, 3);
            study.optimize(3, CURVE, outcome -> { });
            List<Trial> trials = study.trials();
            assertThat(trials.get(orphan).state()).isEqualTo(TrialState.LOST);
            assertThat(trials.stream().filter(t -> t.state() == TrialState.COMPLETE)).hasSize(3);
        }
    }

    @Test
    void twoWorkersShareTheCountAndNeverRunATrialTwice() throws Exception {
        List<Integer> numbers = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < 2; w++) {
                long seed = w;
                workers.add(pool.submit(() -> {
                    try (JdbcStudyStorage storage = JdbcStudyStorage.sqlite(dir.resolve("study.db"))) {
                        study(storage, Pruner.NONE, seed, "worker-" + seed).optimize(16, CURVE,
                                outcome -> numbers.add(outcome.number()));
                    }
                    return null;
                }));
            }
            for (Future<?> worker : workers) {
                worker.get();
            }
        } finally {
            pool.shutdown();
        }
        assertThat(numbers).hasSize(16).doesNotHaveDuplicates();
    }
}
