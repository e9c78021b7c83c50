package dev.fmnist.tune.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.fmnist.tune.Trial;
import dev.fmnist.tune.TrialState;
import dev.fmnist.tune.space.SearchSpace;
import dev.fmnist.tune.storage.StudyRecord;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.imageio.ImageIO;

/**
 * A study's report: {@code study.json} (every trial, the best, the importance), PNG pictures (optimization
 * history, the trials' curves, a slice per parameter, parallel coordinates, importance) and one self-contained
 * {@code report.html} with all of them.
 */
public final class StudyReport {

    /**
     * What the JSON holds.
     *
     * @param failedInARow the failed trials the study ends with, newest first (a study stopped by its failures
     *                     ends with at least its {@code --max-failures} of them)
     */
    public record Summary(String study, String direction, String metric, String config, int trials, int complete,
            int pruned, int failed, int lost, List<Trial> failedInARow, Optional<Trial> best, String bestCommand,
            Map<String, Double> importance, String importanceMethod, List<Trial> all) {}

    private static final String METHOD = "correlation ratio (eta squared) of the objective grouped by each "
            + "parameter (choices; 5 equal-count bins of numbers), normalized to sum to 1; no interactions";

    private StudyReport() {}

    /** Writes the report into {@code dir}; {@code bestCommand} repeats the best trial. */
    public static Summary write(StudyRecord record, SearchSpace space, List<Trial> trials, String bestCommand,
            Path dir) {
        List<Trial> complete = trials.stream().filter(t -> t.state() == TrialState.COMPLETE && t.value().isPresent())
                .toList();
        Optional<Trial> best = Trial.best(trials, record.direction());
        Map<String, Double> importance = Importance.of(space, complete);
        Summary summary = new Summary(record.name(), record.direction().name().toLowerCase(Locale.ROOT),
                record.metric(), record.config(), trials.size(), complete.size(), count(trials, TrialState.PRUNED),
                count(trials, TrialState.FAILED), count(trials, TrialState.LOST), Trial.failedInARow(trials, 0), best,
                bestCommand, importance, METHOD, trials);
        Map<String, BufferedImage> pictures = new LinkedHashMap<>();
        pictures.put("history.png", StudyCharts.history(trials, record.direction(), record.metric()));
        pictures.put("curves.png", StudyCharts.curves(trials, record.metric()));
        pictures.put("slices.png", grid(StudyCharts.slices(space, trials, record.metric()), 3));
        pictures.put("parallel.png", StudyCharts.parallelCoordinates(space, trials, record.direction(),
                record.metric()));
        pictures.put("importance.png", StudyCharts.importance(importance));
        try {
            Files.createDirectories(dir);
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValue(dir.resolve("study.json").toFile(), json(summary));
            Map<String, String> encoded = new LinkedHashMap<>();
            for (Map.Entry<String, BufferedImage> picture : pictures.entrySet()) {
                byte[] png = png(picture.getValue());
                Files.write(dir.resolve(picture.getKey()), png);
                encoded.put(picture.getKey(), Base64.getEncoder().encodeToString(png));
            }
            Files.writeString(dir.resolve("report.html"), html(summary, encoded));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the study report to " + dir + ": " + e.getMessage(), e);
        }
        return summary;
    }

    /** The summary as plain JSON values (no Optional wrappers). */
    private static Map<String, Object> json(Summary summary) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("study", summary.study());
        json.put("direction", summary.direction());
        json.put("metric", summary.metric());
        json.put("config", summary.config());
        json.put("trials", summary.trials());
        json.put("complete", summary.complete());
        json.put("pruned", summary.pruned());
        json.put("failed", summary.failed());
        json.put("lost", summary.lost());
        json.put("failed_in_a_row", summary.failedInARow().size());
        json.put("best", summary.best().map(StudyReport::trial).orElse(null));
        json.put("best_command", summary.bestCommand());
        json.put("importance", summary.importance());
        json.put("importance_method", summary.importanceMethod());
        json.put("all", summary.all().stream().map(StudyReport::trial).toList());
        return json;
    }

    private static Map<String, Object> trial(Trial trial) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("number", trial.number());
        json.put("state", trial.state().name());
        json.put("value", trial.value().isPresent() ? trial.value().getAsDouble() : null);
        json.put("params", trial.params());
        json.put("intermediate", trial.intermediate());
        if (trial.state() == TrialState.FAILED) {
            json.put("failure", trial.failure());
        }
        return json;
    }

    private static int count(List<Trial> trials, TrialState state) {
        return (int) trials.stream().filter(t -> t.state() == state).count();
    }

    private static byte[] png(BufferedImage image) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImageIO.write(image, "png", bytes);
        return bytes.toByteArray();
    }

    /** Panels in rows of {@code columns}, on white. */
    private static BufferedImage grid(List<BufferedImage> panels, int columns) {
        if (panels.isEmpty()) {
            return new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        }
        int w = panels.get(0).getWidth();
        int h = panels.get(0).getHeight();
        int cols = Math.min(columns, panels.size());
        int rows = (panels.size() + cols - 1) / cols;
        BufferedImage grid = new BufferedImage(cols * w, rows * h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = grid.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, grid.getWidth(), grid.getHeight());
            for (int i = 0; i < panels.size(); i++) {
                g.drawImage(panels.get(i), (i % cols) * w, (i / cols) * h, null);
            }
        } finally {
            g.dispose();
        }
        return grid;
    }

    private static String html(Summary summary, Map<String, String> pictures) {
        StringBuilder page = new StringBuilder("<!doctype html><html><head><meta charset=\"utf-8\"><title>Study ")
                .append(escape(summary.study())).append("</title><style>body{font-family:sans-serif;margin:2em;"
                        + "max-width:1300px}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 8px;"
                        + "text-align:right}td.p{text-align:left}img{max-width:100%}code{background:#f4f4f4;"
                        + "padding:2px 4px}</style></head><body>");
        page.append("<h1>Study ").append(escape(summary.study())).append("</h1><p>")
                .append(summary.direction()).append(' ').append(escape(summary.metric())).append("; ")
                .append(summary.trials()).append(" trials: ").append(summary.complete()).append(" complete, ")
                .append(summary.pruned()).append(" pruned, ").append(summary.failed()).append(" failed")
                .append(summary.lost() > 0 ? ", " + summary.lost() + " lost (their workers died; replaced)" : "")
                .append(".</p>");
        if (!summary.failedInARow().isEmpty()) {
            page.append("<p class=\"failure\"><b>The study ends as ")
                    .append(escape(Trial.describeFailures(summary.failedInARow()))).append("</b></p>");
        }
        summary.best().ifPresent(best -> page.append("<h2>Best: trial ").append(best.number()).append(", ")
                .append(escape(summary.metric())).append(' ').append(format(best.value().getAsDouble()))
                .append("</h2><p>").append(escape(best.describeParams())).append("</p><p>Train it: <code>")
                .append(escape(summary.bestCommand())).append("</code></p>"));
        pictures.forEach((name, png) -> page.append("<p><img alt=\"").append(name).append("\" src=\"data:image/png;base64,")
                .append(png).append("\"></p>"));
        page.append("<p>Importance: ").append(escape(METHOD)).append(".</p>");
        page.append("<h2>Trials</h2><table><tr><th>trial</th><th>state</th><th>").append(escape(summary.metric()))
                .append("</th><th>epochs</th><th>parameters</th><th>failure</th></tr>");
        for (Trial trial : summary.all()) {
            page.append("<tr><td>").append(trial.number()).append("</td><td>").append(trial.state()).append("</td><td>")
                    .append(trial.value().isPresent() ? format(trial.value().getAsDouble()) : "")
                    .append("</td><td>").append(trial.intermediate().size()).append("</td><td class=\"p\">")
                    .append(escape(trial.describeParams())).append("</td><td class=\"p\">")
                    .append(escape(trial.failure())).append("</td></tr>");
        }
        return page.append("</table><p>Study settings:</p><pre>").append(escape(summary.config()))
                .append("</pre></body></html>").toString();
    }

    private static String format(double value) {
        return String.format(Locale.ROOT, "%.4f", value);
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
