package dev.fmnist.eval;

import dev.fmnist.runtime.run.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A comparison table kept in a JSON file, one row per model, that grows as runs are compared into it: how
 * docs/RESULTS.md's headline table is made from runs trained at different times, so it cannot drift from them.
 */
public final class ResultsTable {

    private ResultsTable() {}

    /**
     * Puts {@code rows} into the table in {@code file} (made when missing): a row replaces the row of the same
     * model in place, a row of a new model is added at the end. Returns the whole table as written.
     */
    public static List<Comparison.Row> update(Path file, List<Comparison.Row> rows) {
        if (rows.stream().map(Comparison.Row::model).distinct().count() < rows.size()) {
            throw new EvaluationException("two of the runs compared are of the same model; a results table keeps one "
                    + "row per model: name the run of each model to keep");
        }
        List<Comparison.Row> table = new ArrayList<>(read(file));
        for (Comparison.Row row : rows) {
            int at = indexOf(table, row.model());
            if (at >= 0) {
                table.set(at, row);
            } else {
                table.add(row);
            }
        }
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make the folder of " + file + ": " + e.getMessage(), e);
        }
        Json.write(file, table);
        return table;
    }

    /** The table's rows; none when the file does not exist yet. */
    public static List<Comparison.Row> read(Path file) {
        if (!Files.exists(file)) {
            return List.of();
        }
        try {
            return List.of(Json.read(file, Comparison.Row[].class));
        } catch (UncheckedIOException e) {
            throw new EvaluationException(file + " is not a results table (a JSON list of comparison rows, as "
                    + "compare --table writes): " + e.getCause().getMessage());
        }
    }

    private static int indexOf(List<Comparison.Row> table, String model) {
        for (int i = 0; i < table.size(); i++) {
            if (table.get(i).model().equals(model)) {
                return i;
            }
        }
        return -1;
    }
}
