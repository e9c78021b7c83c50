package dev.fmnist.tune.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fmnist.tune.Direction;
import dev.fmnist.tune.Trial;
import dev.fmnist.tune.TrialState;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The storage contract on a real SQLite file, the default of {@code fmnist tune}. */
class SqliteStudyStorageTest extends StudyStorageContract {

    @TempDir
    Path dir;

    @Override
    JdbcStudyStorage open() {
        return JdbcStudyStorage.sqlite(dir.resolve("study.db"));
    }

    /**
     * A study stored before trials kept their failure's sentence: the column is added, and its FAILED trials, all
     * replaced by new ones then, become LOST, so the study counts its trials as before.
     */
    @Test
    void aStudyStoredBeforeFailuresWereKeptIsMigrated() throws Exception {
        Path file = dir.resolve("old.db");
        try (Connection old = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement sql = old.createStatement()) {
            sql.execute("CREATE TABLE studies (name VARCHAR(200) PRIMARY KEY, direction VARCHAR(10) NOT NULL, "
                    + "metric VARCHAR(100) NOT NULL, config TEXT NOT NULL)");
            sql.execute("CREATE TABLE trials (study VARCHAR(200) NOT NULL, number INTEGER NOT NULL, "
                    + "state VARCHAR(10) NOT NULL, params TEXT NOT NULL, value DOUBLE PRECISION, worker VARCHAR(200), "
                    + "heartbeat BIGINT NOT NULL, PRIMARY KEY (study, number))");
            sql.execute("INSERT INTO studies VALUES ('old', 'MAXIMIZE', 'val_accuracy', 'test')");
            sql.execute("INSERT INTO trials VALUES ('old', 0, 'COMPLETE', '{\"lr\":0.1}', 0.9, 'w', 1)");
            sql.execute("INSERT INTO trials VALUES ('old', 1, 'FAILED', '{\"lr\":0.2}', NULL, 'w', 1)");
        }
        try (JdbcStudyStorage storage = JdbcStudyStorage.sqlite(file)) {
            List<Trial> trials = storage.trials("old");
            assertThat(trials).extracting(Trial::state).containsExactly(TrialState.COMPLETE, TrialState.LOST);
            assertThat(storage.study("old").orElseThrow().direction()).isEqualTo(Direction.MAXIMIZE);
            int next = storage.startTrial("old", Map.of("lr", 0.3), "w", 2).orElseThrow();
            assertThat(storage.fail("old", next, "it broke")).isTrue();
            assertThat(storage.trials("old").get(next).failure()).isEqualTo("it broke");
        }
        try (JdbcStudyStorage again = JdbcStudyStorage.sqlite(file)) { // migrated once, opened as it is now
            assertThat(again.trials("old")).extracting(Trial::state).containsExactly(TrialState.COMPLETE,
                    TrialState.LOST, TrialState.FAILED);
        }
    }

    /** Only a broken primary key (another worker took the number) is worth another attempt; a lock is not. */
    @Test
    void aTakenNumberIsToldFromOtherErrors() {
        assertThat(JdbcStudyStorage.numberTaken(new java.sql.SQLException("duplicate key", "23505"), false)).isTrue();
        assertThat(JdbcStudyStorage.numberTaken(new java.sql.SQLException("not null", "23502"), false)).isFalse();
        assertThat(JdbcStudyStorage.numberTaken(new java.sql.SQLException("connection lost", "08006"), false))
                .isFalse();
        assertThat(JdbcStudyStorage.numberTaken(new java.sql.SQLException("UNIQUE constraint failed", null, 1555),
                true)).as("SQLITE_CONSTRAINT_PRIMARYKEY").isTrue();
        assertThat(JdbcStudyStorage.numberTaken(new java.sql.SQLException("database is locked", null, 5), true))
                .isFalse();
        assertThat(JdbcStudyStorage.numberTaken(new java.sql.SQLException("readonly", null, 8), true)).isFalse();
        assertThat(JdbcStudyStorage.numberTaken(new java.sql.SQLException("MySQL 1043", null, 1043), true)).isFalse();
    }

    @Test
    void anUnreachableDatabaseIsNamedWithoutItsPassword() {
        assertThatThrownBy(() -> JdbcStudyStorage.open("jdbc:postgresql://127.0.0.1:1/studies?user=u&password=hunter2"))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("jdbc:postgresql://127.0.0.1:1/studies?user=u&password=***")
                .hasMessageNotContaining("hunter2");
    }
}
