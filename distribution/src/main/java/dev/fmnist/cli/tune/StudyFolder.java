package dev.fmnist.cli.tune;

import dev.fmnist.cli.UserError;
import dev.fmnist.cli.config.ConfigKeys;
import dev.fmnist.tune.Trial;
import dev.fmnist.tune.space.SearchSpace;
import dev.fmnist.tune.storage.JdbcStudyStorage;
import dev.fmnist.tune.storage.StorageException;
import dev.fmnist.tune.storage.StudyRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * A study as {@code tune report} and {@code tune best} find it: its folder (trial run folders, and the SQLite file
 * unless the study lives elsewhere), its record and the settings {@code fmnist tune} stored in it.
 */
record StudyFolder(Path dir, JdbcStudyStorage storage, StudyRecord record, String model, OptionalInt budgetEpochs,
        SearchSpace space) implements AutoCloseable {

    /** The settings as stored: YAML with the model, the epoch budget and the space. */
    static String config(String model, OptionalInt budgetEpochs, String spaceYaml) {
        StringBuilder config = new StringBuilder("model: ").append(model).append('\n');
        budgetEpochs.ifPresent(e -> config.append("budget-epochs: ").append(e).append('\n'));
        config.append("space:\n");
        spaceYaml.strip().lines().forEach(line -> config.append("  ").append(line).append('\n'));
        return config.toString();
    }

    /** Opens the study {@code name} (or the storage's only one) from {@code storageUrl}, else DIR/study.db. */
    static StudyFolder open(Path dir, String name, String storageUrl) {
        if (storageUrl == null && !Files.isRegularFile(dir.resolve("study.db"))) {
            throw new UserError(dir + " holds no study (no study.db); name its storage with --storage");
        }
        JdbcStudyStorage storage;
        try {
            storage = storageUrl != null ? JdbcStudyStorage.open(storageUrl) : JdbcStudyStorage.sqlite(
                    dir.resolve("study.db"));
        } catch (StorageException e) {
            throw new UserError(e.getMessage());
        }
        try {
            StudyRecord record;
            if (name != null) {
                record = storage.study(name).orElseThrow(() -> new UserError("no study '" + name + "'; the storage "
                        + "has: " + String.join(", ", storage.studies().stream().map(StudyRecord::name).toList())));
            } else {
                List<StudyRecord> studies = storage.studies();
                if (studies.size() != 1) {
                    throw new UserError(studies.isEmpty() ? "the storage holds no study"
                            : "the storage holds " + studies.size() + " studies; name one with --study: "
                                    + String.join(", ", studies.stream().map(StudyRecord::name).toList()));
                }
                record = studies.get(0);
            }
            Object settings = new Yaml(new SafeConstructor(new LoaderOptions())).load(record.config());
            if (!(settings instanceof Map<?, ?> map) || !map.containsKey("model") || !map.containsKey("space")) {
                throw new UserError("study '" + record.name() + "' was not made by this version of fmnist tune");
            }
            OptionalInt epochs = map.get("budget-epochs") instanceof Number n ? OptionalInt.of(n.intValue())
                    : OptionalInt.empty();
            return new StudyFolder(dir, storage, record, String.valueOf(map.get("model")), epochs,
                    SearchSpace.of(map.get("space"), "study '" + record.name() + "'"));
        } catch (RuntimeException e) {
            storage.close();
            throw e;
        }
    }

    List<Trial> trials() {
        return storage.trials(record.name());
    }

    Optional<Trial> best() {
        return Trial.best(trials(), record.direction());
    }

    String trainCommand(Trial trial) {
        return trainCommand(model, budgetEpochs, record.metric(), trial);
    }

    /**
     * The train command that repeats a trial's settings on the whole training split, watching the study's metric
     * (named when it is not {@code train.monitor}'s default, as in studies made before 2026-12-07).
     */
    static String trainCommand(String model, OptionalInt budgetEpochs, String metric, Trial trial) {
        StringBuilder command = new StringBuilder("fmnist train --model " + model);
        budgetEpochs.ifPresent(e -> command.append(" --epochs ").append(e));
        if (!metric.equals(ConfigKeys.TRAIN_MONITOR.defaultValue())) {
            command.append(" --conf ").append(ConfigKeys.TRAIN_MONITOR.name()).append('=').append(metric);
        }
        TrainingObjective.overrides(trial.params()).forEach((key, value) -> command.append(" --set ")
                .append(key).append('=').append(value.contains(",") ? "'" + value + "'" : value));
        return command.toString();
    }

    @Override
    public void close() {
        storage.close();
    }
}
