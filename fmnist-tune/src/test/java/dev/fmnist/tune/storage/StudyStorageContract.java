package dev.fmnist.tune.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fmnist.tune.Direction;
import dev.fmnist.tune.Trial;
import dev.fmnist.tune.TrialState;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * What every study storage does, on a real database, with several connections at once as several worker processes
 * would use. Each test works on a study of its own name, so a shared server's earlier studies do not matter.
 */
abstract class StudyStorageContract {

    private final StudyRecord study = new StudyRecord("cnn-lr-" + java.util.UUID.randomUUID(), Direction.MAXIMIZE,
            "val_accuracy", "model: cnn");

    /** A new connection to the database under test. */
    abstract JdbcStudyStorage open();

    @Test
    void aStudyIsCreatedOnceAndJoinedAfterwards() {
        try (JdbcStudyStorage storage = open()) {
            assertThat(storage.openStudy(study)).isEqualTo(study);
            StudyRecord other = new StudyRecord(study.name(), Direction.MINIMIZE, "val_loss", "model: mlp");
            assertThat(storage.openStudy(other)).isEqualTo(study);
            assertThat(storage.studies()).contains(study);
            assertThat(storage.study("nope")).isEmpty();
        }
    }

    @Test
    void trialsKeepTheirParametersCurvesStatesAndValuesAcrossReopening() {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("lr", 0.003);
        params.put("width", 64L);
        params.put("augment", "crop:2,flip");
        try (JdbcStudyStorage storage = open()) {
            storage.openStudy(study);
            int number = storage.startTrial(study.name(), params, "host:1");
            assertThat(number).isZero();
            storage.report(study.name(), number, 1, 0.81);
            storage.report(study.name(), number, 2, 0.86);
            storage.report(study.name(), number, 2, 0.87); // a step reported again replaces its value
            storage.finish(study.name(), number, TrialState.COMPLETE, OptionalDouble.of(0.87));
            int pruned = storage.startTrial(study.name(), Map.of("lr", 0.5, "width", 8L, "augment", "none"), "host:1");
            storage.report(study.name(), pruned, 1, 0.40);
            storage.finish(study.name(), pruned, TrialState.PRUNED, OptionalDouble.of(0.40));
        }
        try (JdbcStudyStorage storage = open()) {
            List<Trial> trials = storage.trials(study.name());
            assertThat(trials).hasSize(2);
            Trial first = trials.get(0);
            assertThat(first.params()).isEqualTo(params);
            assertThat(first.params().get("width")).isInstanceOf(Long.class);
            assertThat(first.state()).isEqualTo(TrialState.COMPLETE);
            assertThat(first.value()).hasValue(0.87);
            assertThat(first.intermediate()).containsExactly(Map.entry(1, 0.81), Map.entry(2, 0.87));
            assertThat(trials.get(1).state()).isEqualTo(TrialState.PRUNED);
        }
    }

    @Test
    void workersOnSeparateConnectionsNeverGetTheSameTrialNumber() throws Exception {
        try (JdbcStudyStorage storage = open()) {
            storage.openStudy(study);
        }
        int workers = 4;
        int each = 25;
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        List<Integer> numbers = Collections.synchronizedList(new ArrayList<>());
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                String worker = "worker-" + w;
                done.add(pool.submit(() -> {
                    try (JdbcStudyStorage storage = open()) {
                        for (int i = 0; i < each; i++) {
                            numbers.add(storage.startTrial(study.name(), Map.of("i", (long) i), worker));
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> future : done) {
                future.get();
            }
        } finally {
            pool.shutdown();
        }
        assertThat(numbers).containsExactlyInAnyOrderElementsOf(IntStream.range(0, workers * each).boxed().toList());
        try (JdbcStudyStorage storage = open()) {
            assertThat(storage.trials(study.name())).hasSize(workers * each);
        }
    }

    @Test
    void aTrialWhoseHeartbeatStoppedIsMarkedLost() throws InterruptedException {
        try (JdbcStudyStorage storage = open()) {
            storage.openStudy(study);
            int dead = storage.startTrial(study.name(), Map.of("lr", 0.1), "gone");
            Thread.sleep(300);
            int alive = storage.startTrial(study.name(), Map.of("lr", 0.2), "here");
            assertThat(storage.loseStale(study.name(), 200)).containsExactly(dead);
            assertThat(storage.trials(study.name())).extracting(Trial::state)
                    .containsExactly(TrialState.LOST, TrialState.RUNNING);
            storage.heartbeat(study.name(), alive);
            assertThat(storage.loseStale(study.name(), 200)).isEmpty();
        }
    }

    @Test
    void aFailedTrialKeepsItsSentenceAndCountsTowardTheTrialsALostOneDoesNot() throws InterruptedException {
        try (JdbcStudyStorage storage = open()) {
            storage.openStudy(study);
            int failed = storage.startTrial(study.name(), Map.of("lr", 0.1), "w", 2).orElseThrow();
            storage.fail(study.name(), failed, "hyperparameter 'lr' = 0.1 broke it");
            int lost = storage.startTrial(study.name(), Map.of("lr", 0.2), "gone", 2).orElseThrow();
            Thread.sleep(300);
            assertThat(storage.loseStale(study.name(), 200)).containsExactly(lost);
            // the lost trial's place is free again; the failed trial's is not
            int third = storage.startTrial(study.name(), Map.of("lr", 0.3), "w", 2).orElseThrow();
            assertThat(storage.startTrial(study.name(), Map.of("lr", 0.4), "w", 2)).isEmpty();
            List<Trial> trials = storage.trials(study.name());
            assertThat(trials).extracting(Trial::state).containsExactly(TrialState.FAILED, TrialState.LOST,
                    TrialState.RUNNING);
            assertThat(trials.get(failed).failure()).isEqualTo("hyperparameter 'lr' = 0.1 broke it");
            assertThat(trials.get(third).failure()).isEmpty();
            // the lost trial's worker was only slow: its late result does not revive it
            assertThat(storage.finish(study.name(), lost, TrialState.COMPLETE, OptionalDouble.of(0.9))).isFalse();
            assertThat(storage.fail(study.name(), lost, "late")).isFalse();
            assertThat(storage.trials(study.name()).get(lost).state()).isEqualTo(TrialState.LOST);
            assertThat(storage.finish(study.name(), third, TrialState.COMPLETE, OptionalDouble.of(0.8))).isTrue();
        }
    }
}
