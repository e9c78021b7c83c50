package dev.fmnist.tune.storage;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
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

    @Test
    void anUnreachableDatabaseIsNamedWithoutItsPassword() {
        assertThatThrownBy(() -> JdbcStudyStorage.open("jdbc:postgresql://127.0.0.1:1/studies?user=u&password=hunter2"))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("jdbc:postgresql://127.0.0.1:1/studies?user=u&password=***")
                .hasMessageNotContaining("hunter2");
    }
}
