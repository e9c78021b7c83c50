package dev.fmnist.tune.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fmnist.tune.Direction;
import dev.fmnist.tune.Trial;
import dev.fmnist.tune.TrialState;
import java.nio.file.Path;
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
import org.junit.jupiter.api.io.TempDir;

/** The JDBC storage on a real SQLite file, several connections at once as several worker processes would use. */
class SqliteStudyStorageTest {

    private static final StudyRecord STUDY = new StudyRecord("cnn-lr", Direction.MAXIMIZE, "val_accuracy",
            "model: cnn");

    @TempDir
    Path dir;

    private JdbcStudyStorage open() {
        return JdbcStudyStorage.sqlite(dir.resolve("study.db"));
    }

    @Test
    void aStudyIsCreatedOnceAndJoinedAfterwards() {
        try (JdbcStudyStorage storage = open()) {
            assertThat(storage.openStudy(STUDY)).isEqualTo(STUDY);
            StudyRecord other = new StudyRecord("cnn-lr", Direction.MINIMIZE, "val_loss", "model: mlp");
            assertThat(storage.openStudy(other)).isEqualTo(STUDY);
            assertThat(storage.studies()).containsExactly(STUDY);
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
            storage.openStudy(STUDY);
            int number = storage.startTrial(STUDY.name(), params, "host:1");
            assertThat(number).isZero();
            storage.report(STUDY.name(), number, 1, 0.81);
            storage.report(STUDY.name(), number, 2, 0.86);
            storage.report(STUDY.name(), number, 2, 0.87); // a step reported again replaces its value
            storage.finish(STUDY.name(), number, TrialState.COMPLETE, OptionalDouble.of(0.87));
            int pruned = storage.startTrial(STUDY.name(), Map.of("lr", 0.5, "width", 8L, "augment", "none"), "host:1");
            storage.report(STUDY.name(), pruned, 1, 0.40);
            storage.finish(STUDY.name(), pruned, TrialState.PRUNED, OptionalDouble.of(0.40));
        }
        try (JdbcStudyStorage storage = open()) {
            List<Trial> trials = storage.trials(STUDY.name());
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
            storage.openStudy(STUDY);
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
                            numbers.add(storage.startTrial(STUDY.name(), Map.of("i", (long) i), worker));
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
            assertThat(storage.trials(STUDY.name())).hasSize(workers * each);
        }
    }

    @Test
    void aTrialWhoseHeartbeatStoppedIsMarkedFailed() throws InterruptedException {
        try (JdbcStudyStorage storage = open()) {
            storage.openStudy(STUDY);
            int dead = storage.startTrial(STUDY.name(), Map.of("lr", 0.1), "gone");
            Thread.sleep(300);
            int alive = storage.startTrial(STUDY.name(), Map.of("lr", 0.2), "here");
            assertThat(storage.failStale(STUDY.name(), 200)).containsExactly(dead);
            assertThat(storage.trials(STUDY.name())).extracting(Trial::state)
                    .containsExactly(TrialState.FAILED, TrialState.RUNNING);
            storage.heartbeat(STUDY.name(), alive);
            assertThat(storage.failStale(STUDY.name(), 200)).isEmpty();
        }
    }

    @Test
    void anUnreachableDatabaseIsNamedWithoutItsPassword() {
        assertThatThrownBy(() -> JdbcStudyStorage.open("jdbc:postgresql://127.0.0.1:1/studies?user=u&password=hunter2"))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("jdbc:postgresql://127.0.0.1:1/studies?user=u&password=***")
                .hasMessageNotContaining("hunter2");
    }
}
