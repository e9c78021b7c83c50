package dev.fmnist.training.run;

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

    /** The model with the best monitored validation metric so far. */
    public Path bestModel() {
        return path.resolve("best.zip");
    }

    /** The model after the latest finished epoch, with optimizer state, for {@code --resume}. */
    public Path lastModel() {
        return path.resolve("last.zip");
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
