package dev.fmnist.runtime.run;

import dev.fmnist.runtime.model.ModelFileException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/** The folder of one training run and the names of what it holds. */
public record RunDirectory(Path path) {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    /** A new, not yet existing folder {@code runsDir/<model>-<yyyyMMdd-HHmmss>[-n]}. */
    public static Path newPath(Path runsDir, String modelId, LocalDateTime now) {
        Path candidate = runsDir.resolve(modelId + "-" + STAMP.format(now));
        for (int n = 2; Files.exists(candidate); n++) {
            candidate = runsDir.resolve(modelId + "-" + STAMP.format(now) + "-" + n);
        }
        return candidate;
    }

    public RunDirectory create() {
        try {
            Files.createDirectories(path);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the run folder " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * The model file a run folder, or the model file itself, stands for: see {@link #model()}.
     *
     * @throws ModelFileException when the folder holds no model
     */
    public static Path modelOf(Path runDirOrModel) {
        return Files.isDirectory(runDirOrModel) ? new RunDirectory(runDirOrModel).model() : runDirOrModel;
    }

    /**
     * The model that evaluation, prediction, serving and the run's test accuracy use: the best epoch's
     * ({@code best.zip}), or the last epoch's ({@code last.zip}) when the run was trained with
     * {@code train.restore-best=false} (then the latest average of the weights, {@code average.zip}, when the run
     * averaged them). Either file stands in when the other does not exist.
     */
    public Path model() {
        if (!Files.isDirectory(path)) {
            throw new ModelFileException("no run folder at " + path);
        }
        boolean best = !Files.isRegularFile(config()) || Json.read(config(), RunConfig.class).restoreBest();
        for (Path candidate : best ? new Path[] {bestModel(), lastModel()}
                : new Path[] {averageModel(), lastModel(), bestModel()}) {
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new ModelFileException(path + " holds no best.zip or last.zip: it is not a run folder, or its "
                + "training stopped before the first epoch ended");
    }

    /** Whether the folder holds a model of a finished epoch. */
    public boolean hasModel() {
        return Files.isRegularFile(bestModel()) || Files.isRegularFile(lastModel());
    }

    /** The model with the best monitored validation metric so far. */
    public Path bestModel() {
        return path.resolve("best.zip");
    }

    /** The model after the latest finished epoch, with optimizer state, for {@code --resume}. */
    public Path lastModel() {
        return path.resolve("last.zip");
    }

    /**
     * The average of the weights after the latest finished epoch (a run with weight averaging), for {@code --resume}
     * and as the run's last model: {@code last.zip} holds the weights it trains.
     */
    public Path averageModel() {
        return path.resolve("average.zip");
    }

    /** The average of the epoch before {@link #averageModel()}'s, kept until {@code last.zip} has caught up. */
    public Path previousAverageModel() {
        return path.resolve("average.previous.zip");
    }

    /** The model at the end of snapshot cycle {@code k} (1-based) of a run trained with {@code --snapshots}. */
    public Path snapshotModel(int k) {
        return path.resolve("snapshot-" + k + ".zip");
    }

    /** Each epoch's validation of the trained weights beside that of their average (a run with weight averaging). */
    public Path averagingCsv() {
        return path.resolve("averaging.csv");
    }

    public Path historyJson() {
        return path.resolve("history.json");
    }

    public Path historyCsv() {
        return path.resolve("history.csv");
    }

    public Path summary() {
        return path.resolve("summary.json");
    }

    /** The resolved configuration of the run. */
    public Path config() {
        return path.resolve("config.json");
    }

    public Path log() {
        return path.resolve("train.log");
    }
}
