package dev.fmnist.eval;

import dev.fmnist.api.training.EpochMetrics;
import dev.fmnist.eval.charts.Charts;
import dev.fmnist.eval.charts.Png;
import dev.fmnist.eval.metrics.ClassMetrics;
import dev.fmnist.eval.metrics.EvaluationMetrics;
import dev.fmnist.eval.report.HtmlReport;
import dev.fmnist.runtime.run.Json;
import dev.fmnist.runtime.run.RunDirectory;
import dev.fmnist.runtime.run.RunSummary;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Sets several runs side by side, from their test-split evaluations (made when a run has none yet) and a pass with
 * each image averaged with its mirror: a table (with each run's wall time and CPU from its summary), the validation
 * curves of all runs on one chart and per-class F1, as Markdown, JSON and HTML.
 */
public final class Comparison {

    /**
     * One row of the comparison table.
     *
     * @param bestEpoch            the epoch whose weights were compared ({@code best.zip}); 0 when not recorded
     * @param trainingSeconds      the run's wall time ({@code summary.json}), validation and checkpoints included
     * @param flipAveragedAccuracy test accuracy with each image's probabilities averaged with its mirror's
     * @param cpu                  the CPU the run trained on, as its summary recorded it; empty when it did not
     * @param finished             the UTC date its summary was written (the run's end), ISO; empty without one
     */
    public record Row(String run, String model, long parameters, int epochs, int bestEpoch, double trainingSeconds,
            double imagesPerSecond, double testAccuracy, double flipAveragedAccuracy, double macroF1,
            String worstClass, double worstF1, double calibrationError, String cpu, String finished) {}

    private final Evaluator evaluator;

    @Inject
    public Comparison(Evaluator evaluator) {
        this.evaluator = evaluator;
    }

    /** The run folders directly under {@code runsDir} that hold a model, in name order. */
    public static List<Path> runsIn(Path runsDir) {
        if (!Files.isDirectory(runsDir)) {
            throw new EvaluationException("no runs folder at " + runsDir);
        }
        try (Stream<Path> children = Files.list(runsDir)) {
            List<Path> runs = children.filter(Files::isDirectory)
                    .filter(dir -> new RunDirectory(dir).hasModel())
                    .sorted().toList();
            if (runs.isEmpty()) {
                throw new EvaluationException(runsDir + " holds no run folder with a model (best.zip or last.zip)");
            }
            return runs;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + runsDir, e);
        }
    }

    public List<Row> compare(List<Path> runs, Path outDir) {
        Map<String, EvaluationMetrics> metrics = new LinkedHashMap<>();
        Map<String, List<EpochMetrics>> histories = new LinkedHashMap<>();
        List<Row> rows = new ArrayList<>();
        List<String> classNames = null;
        for (Path run : runs) {
            EvaluationReport report = evaluation(run);
            String label = report.modelId() + " (" + run.getFileName() + ")";
            metrics.put(label, report.metrics());
            RunDirectory dir = new RunDirectory(run);
            if (Files.isRegularFile(dir.historyJson())) {
                histories.put(label, List.of(Json.read(dir.historyJson(), EpochMetrics[].class)));
            }
            classNames = report.metrics().perClass().stream().map(ClassMetrics::name).toList();
            // the summary as it is now (a resumed run's), not the copy an earlier evaluation kept
            RunSummary s = Files.isRegularFile(dir.summary()) ? Json.read(dir.summary(), RunSummary.class)
                    : report.summary();
            EvaluationMetrics m = report.metrics();
            rows.add(new Row(run.getFileName().toString(), report.modelId(), report.parameters(),
                    s == null ? 0 : s.epochsRun(), s == null ? 0 : s.bestEpoch(),
                    s == null ? Double.NaN : s.totalSeconds(), s == null ? Double.NaN : s.trainingImagesPerSecond(),
                    m.accuracy(), evaluator.flipAveragedAccuracy(run), m.macroF1(), m.worstClass().name(),
                    m.worstClass().f1(), m.expectedCalibrationError(), s == null || s.cpu() == null ? "" : s.cpu(),
                    finished(dir.summary())));
        }
        try {
            Files.createDirectories(outDir);
            byte[] curves = Png.encode(Charts.validationCurves(histories));
            byte[] f1 = Png.encode(Charts.perClassF1(metrics, classNames));
            Files.write(outDir.resolve("validation-accuracy.png"), curves);
            Files.write(outDir.resolve("per-class-f1.png"), f1);
            Files.writeString(outDir.resolve("comparison.md"), markdown(rows), StandardCharsets.UTF_8);
            Json.write(outDir.resolve("comparison.json"), rows);
            Files.write(outDir.resolve("comparison.html"), html(rows, curves, f1));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the comparison into " + outDir + ": " + e.getMessage(), e);
        }
        return rows;
    }

    /** The UTC date a summary was last written: a run writes its summary when it ends (a resumed run again). */
    private static String finished(Path summary) {
        try {
            return Files.isRegularFile(summary)
                    ? LocalDate.ofInstant(Files.getLastModifiedTime(summary).toInstant(), ZoneOffset.UTC).toString()
                    : "";
        } catch (IOException e) {
            return "";
        }
    }

    private EvaluationReport evaluation(Path run) {
        Path metrics = run.resolve("eval").resolve("metrics.json");
        if (Files.isRegularFile(metrics)) {
            EvaluationReport report = Json.read(metrics, EvaluationReport.class);
            // an evaluation with --flip-tta is the other column's figure, not this one's
            if (report.metrics().split().equals("test") && !report.flipAveraged()) {
                return report;
            }
        }
        return evaluator.evaluate(run, Evaluator.Split.TEST, run.resolve("eval"));
    }

    private static final List<String> HEADER = List.of("model", "parameters", "epochs", "wall time",
            "images/s", "CPU", "finished", "test accuracy", "flip-averaged", "macro F1", "worst class (F1)",
            "calibration error", "run");

    private static List<String> cells(Row r) {
        String epochs = r.bestEpoch() > 0 ? r.epochs() + " (best " + r.bestEpoch() + ")" : Integer.toString(r.epochs());
        return List.of(r.model(), String.format("%,d", r.parameters()), epochs, duration(r.trainingSeconds()),
                String.format("%,.0f", r.imagesPerSecond()), r.cpu().isEmpty() ? "not recorded" : r.cpu(),
                r.finished().isEmpty() ? "not recorded" : r.finished(), Evaluator.percent(r.testAccuracy()),
                Evaluator.percent(r.flipAveragedAccuracy()), String.format("%.4f", r.macroF1()),
                String.format("%s (%.3f)", r.worstClass(), r.worstF1()), String.format("%.4f", r.calibrationError()),
                r.run());
    }

    /** "55 s", "7 min 23 s", "2 h 11 min": how long a run took, read at a glance. */
    static String duration(double seconds) {
        if (Double.isNaN(seconds)) {
            return "not recorded";
        }
        long s = Math.round(seconds);
        if (s < 60) {
            return s + " s";
        }
        return s < 3600 ? s / 60 + " min " + s % 60 + " s" : s / 3600 + " h " + s % 3600 / 60 + " min";
    }

    public static String markdown(List<Row> rows) {
        StringBuilder md = new StringBuilder("| " + String.join(" | ", HEADER) + " |\n");
        md.append("|---".repeat(HEADER.size())).append("|\n");
        for (Row row : rows) {
            md.append("| ").append(String.join(" | ", cells(row))).append(" |\n");
        }
        return md.toString();
    }

    private static byte[] html(List<Row> rows, byte[] curves, byte[] f1) {
        HtmlReport html = new HtmlReport("Model comparison");
        html.heading("table", "Results (test split)");
        html.table(HEADER, rows.stream().map(Comparison::cells).toList());
        html.heading("validation-curves", "Validation accuracy per epoch");
        html.image("validation accuracy per epoch", curves);
        html.heading("per-class-f1", "F1 per class");
        html.image("F1 per class", f1);
        return html.render();
    }
}
