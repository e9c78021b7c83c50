package dev.fmnist.tune.storage;

import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * The storage contract on a real PostgreSQL server, as workers on several machines share a study: {@code .ci/run}
 * installs Debian's PostgreSQL, starts it and sets {@value #URL} to a database of its own.
 */
@EnabledIfEnvironmentVariable(named = PostgresStudyStorageTest.URL, matches = "jdbc:postgresql:.*")
class PostgresStudyStorageTest extends StudyStorageContract {

    static final String URL = "FMNIST_TEST_POSTGRES_URL";

    @Override
    JdbcStudyStorage open() {
        return JdbcStudyStorage.open(System.getenv(URL));
    }
}
