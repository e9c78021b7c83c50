package dev.fmnist.tune.storage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fmnist.tune.Direction;
import dev.fmnist.tune.Trial;
import dev.fmnist.tune.TrialState;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Studies in a relational database through JDBC: an SQLite file (one machine, several processes) or PostgreSQL
 * (several machines). The SQL is the subset both speak. Each call is one short transaction on this storage's own
 * connection, so workers in other processes see each other's trials at once.
 */
public final class JdbcStudyStorage implements StudyStorage {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int START_ATTEMPTS = 50;

    private final String url;
    private final Connection connection;

    private JdbcStudyStorage(String url, Connection connection) {
        this.url = url;
        this.connection = connection;
        try {
            connection.setAutoCommit(true);
            createTables();
        } catch (SQLException e) {
            close();
            throw failure("cannot create the study tables", e);
        }
    }

    /** An SQLite file, created if missing; WAL journal and a busy timeout so that processes can share it. */
    public static JdbcStudyStorage sqlite(Path file) {
        Properties properties = new Properties();
        properties.setProperty("journal_mode", "WAL");
        properties.setProperty("busy_timeout", "30000");
        return open("jdbc:sqlite:" + file.toAbsolutePath(), properties);
    }

    /** Any JDBC URL: {@code jdbc:postgresql://host/db?user=..&password=..}, or {@code jdbc:sqlite:FILE}. */
    public static JdbcStudyStorage open(String url) {
        if (url.startsWith("jdbc:sqlite:")) {
            return sqlite(Path.of(url.substring("jdbc:sqlite:".length())));
        }
        return open(url, new Properties());
    }

    private static JdbcStudyStorage open(String url, Properties properties) {
        try {
            return new JdbcStudyStorage(url, DriverManager.getConnection(url, properties));
        } catch (SQLException e) {
            throw new StorageException("cannot open the study storage " + redacted(url) + ": " + e.getMessage(), e);
        }
    }

    private void createTables() throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE IF NOT EXISTS studies (name VARCHAR(200) PRIMARY KEY, "
                    + "direction VARCHAR(10) NOT NULL, metric VARCHAR(100) NOT NULL, config TEXT NOT NULL)");
            statement.execute("CREATE TABLE IF NOT EXISTS trials (study VARCHAR(200) NOT NULL, number INTEGER NOT NULL, "
                    + "state VARCHAR(10) NOT NULL, params TEXT NOT NULL, value DOUBLE PRECISION, worker VARCHAR(200), "
                    + "heartbeat BIGINT NOT NULL, failure TEXT, PRIMARY KEY (study, number))");
            addFailureColumn(statement);
            statement.execute("CREATE TABLE IF NOT EXISTS intermediate (study VARCHAR(200) NOT NULL, "
                    + "number INTEGER NOT NULL, step INTEGER NOT NULL, value DOUBLE PRECISION NOT NULL, "
                    + "PRIMARY KEY (study, number, step))");
        }
    }

    /**
     * Studies stored before trials kept their failure's sentence get the column. Their FAILED trials were all
     * replaced by new ones then (a dead worker's and a failing objective's alike), so they become LOST: the
     * study counts its trials as it did.
     */
    private void addFailureColumn(Statement statement) throws SQLException {
        if (hasFailureColumn()) {
            return;
        }
        try {
            statement.execute("ALTER TABLE trials ADD COLUMN failure TEXT");
        } catch (SQLException e) {
            if (!hasFailureColumn()) {
                throw e;
            }
            return; // another worker opening the same storage added it meanwhile
        }
        statement.execute("UPDATE trials SET state = '" + TrialState.LOST + "' WHERE state = '" + TrialState.FAILED
                + "'");
    }

    private boolean hasFailureColumn() throws SQLException {
        try (ResultSet columns = connection.getMetaData().getColumns(null, connection.getSchema(), "trials",
                "failure")) {
            return columns.next();
        }
    }

    @Override
    public synchronized StudyRecord openStudy(StudyRecord wanted) {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO studies (name, direction, metric, config) VALUES (?, ?, ?, ?) ON CONFLICT (name) DO NOTHING")) {
            insert.setString(1, wanted.name());
            insert.setString(2, wanted.direction().name());
            insert.setString(3, wanted.metric());
            insert.setString(4, wanted.config());
            insert.executeUpdate();
        } catch (SQLException e) {
            throw failure("cannot create the study '" + wanted.name() + "'", e);
        }
        return study(wanted.name()).orElseThrow();
    }

    @Override
    public synchronized Optional<StudyRecord> study(String name) {
        return studies(" WHERE name = ?", name).stream().findFirst();
    }

    @Override
    public synchronized List<StudyRecord> studies() {
        return studies("", null);
    }

    private List<StudyRecord> studies(String where, String name) {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT name, direction, metric, config FROM studies" + where + " ORDER BY name")) {
            if (name != null) {
                select.setString(1, name);
            }
            List<StudyRecord> studies = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    studies.add(new StudyRecord(rows.getString(1), Direction.valueOf(rows.getString(2)),
                            rows.getString(3), rows.getString(4)));
                }
            }
            return studies;
        } catch (SQLException e) {
            throw failure("cannot read the studies", e);
        }
    }

    /**
     * The next number is the largest plus one, in the insert itself; two workers racing for a number make one
     * insert break the primary key, and that one tries the next number.
     */
    @Override
    public synchronized OptionalInt startTrial(String study, Map<String, Object> params, String worker,
            int maxTrials) {
        String json;
        try {
            json = JSON.writeValueAsString(params);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("parameters that are not JSON: " + params, e);
        }
        SQLException last = null;
        for (int attempt = 0; attempt < START_ATTEMPTS; attempt++) {
            int inserted;
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO trials "
                    + "(study, number, state, params, worker, heartbeat) SELECT ?, COALESCE(MAX(number) + 1, 0), ?, ?, ?, ? "
                    + "FROM trials WHERE study = ? HAVING (SELECT COUNT(*) FROM trials WHERE study = ? AND state <> ?) < ?")) {
                insert.setString(1, study);
                insert.setString(2, TrialState.RUNNING.name());
                insert.setString(3, json);
                insert.setString(4, worker);
                insert.setLong(5, System.currentTimeMillis());
                insert.setString(6, study);
                insert.setString(7, study);
                insert.setString(8, TrialState.LOST.name());
                insert.setInt(9, maxTrials);
                inserted = insert.executeUpdate();
            } catch (SQLException e) {
                if (!numberTaken(e, url.startsWith("jdbc:sqlite:"))) {
                    // a locked, read-only or broken database: say so now, not after 50 waits for a lock
                    throw failure("cannot start a trial of '" + study + "'", e);
                }
                last = e; // another worker took the number meanwhile: try the next one
                continue;
            }
            return inserted == 0 ? OptionalInt.empty() : OptionalInt.of(latestOf(study, worker, json));
        }
        throw failure("cannot start a trial of '" + study + "' after " + START_ATTEMPTS + " attempts", last);
    }

    /**
     * Whether the insert broke the primary key (a number another worker just took): SQL state 23505
     * (unique_violation) in PostgreSQL, SQLite's SQLITE_CONSTRAINT_PRIMARYKEY (1555) or, from drivers that give
     * only the primary code, SQLITE_CONSTRAINT (19), the only constraint this insert can break.
     */
    static boolean numberTaken(SQLException e, boolean sqlite) {
        if (sqlite) {
            return e.getErrorCode() == 1555 || e.getErrorCode() == 19;
        }
        return "23505".equals(e.getSQLState());
    }

    /** The number this worker was just given: its newest trial with these parameters. */
    private int latestOf(String study, String worker, String params) {
        try (PreparedStatement select = connection.prepareStatement("SELECT MAX(number) FROM trials "
                + "WHERE study = ? AND worker = ? AND params = ?")) {
            select.setString(1, study);
            select.setString(2, worker);
            select.setString(3, params);
            try (ResultSet rows = select.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            }
        } catch (SQLException e) {
            throw failure("cannot read the new trial of '" + study + "'", e);
        }
    }

    @Override
    public synchronized void report(String study, int number, int step, double value) {
        update("INSERT INTO intermediate (study, number, step, value) VALUES (?, ?, ?, ?) "
                + "ON CONFLICT (study, number, step) DO UPDATE SET value = excluded.value", study, number, step, value);
        heartbeat(study, number);
    }

    @Override
    public synchronized void heartbeat(String study, int number) {
        update("UPDATE trials SET heartbeat = ? WHERE study = ? AND number = ?", System.currentTimeMillis(), study,
                number);
    }

    @Override
    public synchronized boolean finish(String study, int number, TrialState state, OptionalDouble value) {
        return update("UPDATE trials SET state = ?, value = ?, heartbeat = ? WHERE study = ? AND number = ? "
                + "AND state = ?", state.name(), value.isPresent() ? value.getAsDouble() : null,
                System.currentTimeMillis(), study, number, TrialState.RUNNING.name()) == 1;
    }

    @Override
    public synchronized boolean fail(String study, int number, String failure) {
        return update("UPDATE trials SET state = ?, heartbeat = ?, failure = ? WHERE study = ? AND number = ? "
                + "AND state = ?", TrialState.FAILED.name(), System.currentTimeMillis(), failure, study, number,
                TrialState.RUNNING.name()) == 1;
    }

    @Override
    public synchronized List<Trial> trials(String study) {
        Map<Integer, TreeMap<Integer, Double>> curves = new LinkedHashMap<>();
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT number, step, value FROM intermediate WHERE study = ? ORDER BY number, step")) {
            select.setString(1, study);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    curves.computeIfAbsent(rows.getInt(1), n -> new TreeMap<>()).put(rows.getInt(2), rows.getDouble(3));
                }
            }
        } catch (SQLException e) {
            throw failure("cannot read the trials of '" + study + "'", e);
        }
        List<Trial> trials = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT number, state, params, value, failure FROM trials WHERE study = ? ORDER BY number")) {
            select.setString(1, study);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    int number = rows.getInt(1);
                    double value = rows.getDouble(4);
                    OptionalDouble objective = rows.wasNull() ? OptionalDouble.empty() : OptionalDouble.of(value);
                    trials.add(new Trial(number, params(rows.getString(3)), TrialState.valueOf(rows.getString(2)),
                            objective, curves.getOrDefault(number, new TreeMap<>()), rows.getString(5)));
                }
            }
        } catch (SQLException e) {
            throw failure("cannot read the trials of '" + study + "'", e);
        }
        return trials;
    }

    @Override
    public synchronized List<Integer> loseStale(String study, long staleMillis) {
        long before = System.currentTimeMillis() - staleMillis;
        List<Integer> stale = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT number FROM trials WHERE study = ? AND state = ? AND heartbeat < ?")) {
            select.setString(1, study);
            select.setString(2, TrialState.RUNNING.name());
            select.setLong(3, before);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    stale.add(rows.getInt(1));
                }
            }
        } catch (SQLException e) {
            throw failure("cannot look for stale trials of '" + study + "'", e);
        }
        // a trial that finished meanwhile keeps its state: only the ones this update changed were lost
        return stale.stream().filter(number -> update("UPDATE trials SET state = ? WHERE study = ? AND number = ? "
                + "AND state = ?", TrialState.LOST.name(), study, number, TrialState.RUNNING.name()) == 1).toList();
    }

    /** Parameters as stored: whole numbers come back as Long, others as Double or String. */
    private static Map<String, Object> params(String json) {
        try {
            Map<String, Object> values = new LinkedHashMap<>();
            JSON.readTree(json).fields().forEachRemaining(field -> {
                var node = field.getValue();
                values.put(field.getKey(), node.isIntegralNumber() ? (Object) node.asLong()
                        : node.isNumber() ? (Object) node.asDouble() : node.asText());
            });
            return values;
        } catch (JsonProcessingException e) {
            throw new StorageException("a trial's stored parameters are not JSON: " + json, e);
        }
    }

    /** @return the rows changed */
    private int update(String sql, Object... values) {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                if (values[i] == null) {
                    statement.setNull(i + 1, Types.DOUBLE);
                } else {
                    statement.setObject(i + 1, values[i]);
                }
            }
            return statement.executeUpdate();
        } catch (SQLException e) {
            throw failure("cannot write to the study storage", e);
        }
    }

    private StorageException failure(String what, SQLException e) {
        return new StorageException(what + " in " + redacted(url) + ": " + (e == null ? "" : e.getMessage()), e);
    }

    /** The URL without its password, for messages. */
    private static String redacted(String url) {
        return url.replaceAll("(?i)(password=)[^&;]*", "$1***");
    }

    @Override
    public synchronized void close() {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // closing: nothing left to do with it
        }
    }
}
