package dev.fmnist.training;

import dev.fmnist.runtime.run.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code averaging.csv}: each epoch's validation of the weights the run trains beside that of their average, so a run
 * shows what the averaging added; {@code history.csv} has the average's figures (what the monitor and best.zip see).
 * A resumed run keeps the rows of the epochs it resumes after.
 */
final class AveragingHistory {

    static final String HEADER = "epoch,trained_val_loss,trained_val_accuracy,averaged_val_loss,averaged_val_accuracy";

    private final Path file;
    private final List<String> rows = new ArrayList<>();

    AveragingHistory(Path file, int startEpoch) {
        this.file = file;
        if (Files.isRegularFile(file)) {
            try {
                for (String line : Files.readAllLines(file)) {
                    int comma = line.indexOf(',');
                    if (comma > 0 && line.substring(0, comma).chars().allMatch(Character::isDigit)
                            && Integer.parseInt(line.substring(0, comma)) < startEpoch) {
                        rows.add(line);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
            }
        }
    }

    /** Adds an epoch and rewrites the file; the averaged figures are NaN before SWA's first epoch. */
    void add(int epoch, Validation trained, Validation averaged) {
        rows.add(String.format(Locale.ROOT, "%d,%.6f,%.6f,%.6f,%.6f", epoch, trained.loss(), trained.accuracy(),
                averaged == null ? Double.NaN : averaged.loss(), averaged == null ? Double.NaN : averaged.accuracy()));
        Json.writeText(file, HEADER + "\n" + String.join("\n", rows) + "\n");
    }
}
