package dev.fmnist.eval;

import dev.fmnist.api.data.LabelledImages;
import dev.fmnist.api.training.EpochMetrics;
import dev.fmnist.data.FashionMnist;
import dev.fmnist.data.SplitData;
import dev.fmnist.data.batch.ImageBatchIterator;
import dev.fmnist.eval.charts.Charts;
import dev.fmnist.eval.charts.PredictionGrid;
import dev.fmnist.eval.charts.Png;
import dev.fmnist.eval.metrics.ClassMetrics;
import dev.fmnist.eval.metrics.ConfusedPair;
import dev.fmnist.eval.metrics.EvaluationMetrics;
import dev.fmnist.eval.metrics.MetricsCalculator;
import dev.fmnist.eval.metrics.Predictions;
import dev.fmnist.eval.report.ArchitectureSummary;
import dev.fmnist.eval.report.HtmlReport;
import dev.fmnist.training.Release;
import dev.fmnist.training.RunSummary;
import dev.fmnist.training.run.Json;
import dev.fmnist.training.run.ModelManifest;
import dev.fmnist.training.run.ModelFile;
import dev.fmnist.training.run.RunDirectory;
import dev.fmnist.training.run.SavedModel;
import jakarta.inject.Inject;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Evaluates a run's best model on the test (or validation) split and writes {@code metrics.json}, the
 * pictures and one self-contained {@code report.html} into the run's {@code eval/} folder.
 */
public final class Evaluator {

    public enum Split { TEST, VAL }

    private static final int BATCH = 500;
    private static final int GRID_IMAGES = 40;

    private final FashionMnist data;

    @Inject
    public Evaluator(FashionMnist data) {
        this.data = data;
    }

    /** The model file to evaluate in a run folder: {@code best.zip}, else {@code last.zip}. */
    public static Path modelOf(Path runDir) {
        if (!Files.isDirectory(runDir)) {
            throw new EvaluationException("no run folder at " + runDir);
        }
        RunDirectory run = new RunDirectory(runDir);
        if (Files.isRegularFile(run.bestModel())) {
            return run.bestModel();
        }
        if (Files.isRegularFile(run.lastModel())) {
            return run.lastModel();
        }
        throw new EvaluationException(runDir + " holds no best.zip or last.zip: it is not a run folder, or its "
                + "training stopped before the first epoch ended");
    }

    public EvaluationReport evaluate(Path runDir, Split split, Path outDir) {
        Path modelFile = modelOf(runDir);
        SavedModel model = ModelFile.load(modelFile, false);
        ModelManifest manifest = model.manifest();
        LabelledImages images = images(manifest, split);
        Predictions predictions = predict(model.network(), manifest, images);
        EvaluationMetrics metrics = MetricsCalculator.compute(split.name().toLowerCase(), predictions, 5);
        ArchitectureSummary architecture = ArchitectureSummary.of(model.network(), manifest.inputLayout(),
                manifest.imageShape());
        RunDirectory run = new RunDirectory(runDir);
        RunSummary summary = Files.isRegularFile(run.summary()) ? Json.read(run.summary(), RunSummary.class) : null;
        List<EpochMetrics> history = Files.isRegularFile(run.historyJson())
                ? List.of(Json.read(run.historyJson(), EpochMetrics[].class)) : manifest.history();
        EvaluationReport report = new EvaluationReport(runDir.toString(), manifest.modelId(), modelFile.toString(),
                manifest.parameters(), architecture, metrics, summary);

        createDirectories(outDir);
        String name = manifest.modelId() + " (" + runDir.getFileName() + ")";
        byte[] curves = history.isEmpty() ? null : Png.encode(Charts.trainingCurves(history, manifest.modelId()));
        byte[] confusion = Png.encode(Charts.confusionHeatmap(metrics, manifest.classNames(),
                "Confusion matrix, " + split.name().toLowerCase() + " split: " + name));
        byte[] reliability = Png.encode(Charts.reliabilityDiagram(metrics, "Reliability diagram"));
        byte[] samples = Png.encode(PredictionGrid.render(images, predictions, samples(images, manifest.seed()), 10,
                "Sample predictions (wrong ones framed in red)"));
        byte[] mistakes = Png.encode(PredictionGrid.render(images, predictions, mistakes(predictions), 10,
                "The most confident mistakes"));
        write(outDir.resolve("confusion.png"), confusion);
        write(outDir.resolve("reliability.png"), reliability);
        write(outDir.resolve("samples.png"), samples);
        write(outDir.resolve("mistakes.png"), mistakes);
        if (curves != null) {
            write(outDir.resolve("curves.png"), curves);
        }
        write(outDir.resolve("architecture.txt"), architecture.text().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Json.write(outDir.resolve("metrics.json"), report);
        write(outDir.resolve("report.html"), html(report, name, curves, confusion, reliability, samples, mistakes));
        return report;
    }

    private LabelledImages images(ModelManifest manifest, Split split) {
        if (split == Split.TEST) {
            return data.dataset().testImages();
        }
        // The validation images of the run's own seed and fraction, not the current configuration's.
        SplitData runSplit = data.split(manifest.seed(), manifest.data().validationFraction());
        return runSplit.validation();
    }

    /** The model's probabilities for every image, in order, prepared as the model was trained. */
    public static Predictions predict(MultiLayerNetwork network, ModelManifest manifest, LabelledImages images) {
        ImageBatchIterator batches = ImageBatchIterator.sequential(images, manifest.inputLayout(),
                manifest.normalization(), BATCH);
        float[] probabilities = new float[images.count() * images.classNames().size()];
        int offset = 0;
        while (batches.hasNext()) {
            DataSet batch = batches.next();
            INDArray output = network.output(batch.getFeatures(), false);
            float[] values = output.dup('c').data().asFloat();
            System.arraycopy(values, 0, probabilities, offset, values.length);
            offset += values.length;
            Release.all(output, batch.getFeatures(), batch.getLabels());
        }
        int[] labels = IntStream.range(0, images.count()).map(images::label).toArray();
        return new Predictions(labels, probabilities, images.classNames());
    }

    private static List<Integer> samples(LabelledImages images, long seed) {
        List<Integer> all = new ArrayList<>(IntStream.range(0, images.count()).boxed().toList());
        Collections.shuffle(all, new Random(seed));
        return all.subList(0, Math.min(GRID_IMAGES, all.size()));
    }

    private static List<Integer> mistakes(Predictions predictions) {
        return IntStream.range(0, predictions.count())
                .filter(i -> predictions.predicted(i) != predictions.labels()[i])
                .boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> predictions.confidence(i)).reversed())
                .limit(GRID_IMAGES)
                .toList();
    }

    private static byte[] html(EvaluationReport report, String name, byte[] curves, byte[] confusion,
            byte[] reliability, byte[] samples, byte[] mistakes) {
        EvaluationMetrics m = report.metrics();
        HtmlReport html = new HtmlReport("Evaluation of " + name);
        html.heading("summary", "Summary");
        List<List<String>> summary = new ArrayList<>(List.of(
                List.of("split", m.split() + " (" + m.images() + " images)"),
                List.of("model file", report.modelFile()),
                List.of("parameters", String.format("%,d", report.parameters())),
                List.of("accuracy", percent(m.accuracy())),
                List.of("top-2 accuracy", percent(m.top2Accuracy())),
                List.of("log loss", String.format("%.4f", m.logLoss())),
                List.of("macro F1", String.format("%.4f", m.macroF1())),
                List.of("weighted F1", String.format("%.4f", m.weightedF1())),
                List.of("expected calibration error (15 bins)", String.format("%.4f", m.expectedCalibrationError()))));
        if (report.summary() != null) {
            RunSummary s = report.summary();
            summary.add(List.of("training", String.format("%d epochs (best %d), %s, %.0f s, %,.0f images/s",
                    s.epochsRun(), s.bestEpoch(), s.status(), s.totalSeconds(), s.trainingImagesPerSecond())));
        }
        html.table(List.of("figure", "value"), summary);
        html.heading("per-class", "Per-class metrics");
        List<List<String>> rows = new ArrayList<>();
        for (ClassMetrics c : m.perClass()) {
            rows.add(List.of(c.name(), String.format("%.4f", c.precision()), String.format("%.4f", c.recall()),
                    String.format("%.4f", c.f1()), Integer.toString(c.support())));
        }
        rows.add(List.of("macro average", String.format("%.4f", m.macroPrecision()),
                String.format("%.4f", m.macroRecall()), String.format("%.4f", m.macroF1()), Integer.toString(m.images())));
        rows.add(List.of("weighted average", String.format("%.4f", m.weightedPrecision()),
                String.format("%.4f", m.weightedRecall()), String.format("%.4f", m.weightedF1()),
                Integer.toString(m.images())));
        html.table(List.of("class", "precision", "recall", "F1", "support"), rows);
        html.heading("confusion", "Confusion matrix");
        html.image("confusion matrix", confusion);
        html.heading("confused-pairs", "Most confused pairs");
        html.table(List.of("classes", "a as b", "b as a", "total"), m.mostConfused().stream()
                .map((ConfusedPair p) -> List.of(p.a() + " / " + p.b(), Integer.toString(p.aAsB()),
                        Integer.toString(p.bAsA()), Integer.toString(p.total()))).toList());
        html.heading("curves", "Training curves");
        if (curves != null) {
            html.image("training curves", curves);
        } else {
            html.paragraph("This run folder has no metric history.");
        }
        html.heading("calibration", "Calibration");
        html.image("reliability diagram", reliability);
        html.heading("samples", "Sample predictions");
        html.image("sample predictions", samples);
        html.heading("mistakes", "Most confident mistakes");
        html.image("most confident mistakes", mistakes);
        html.heading("architecture", "Architecture");
        html.preformatted(report.architecture().text());
        return html.render();
    }

    static String percent(double value) {
        return String.format("%.2f%%", value * 100);
    }

    private static void createDirectories(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir + ": " + e.getMessage(), e);
        }
    }

    private static void write(Path file, byte[] content) {
        try {
            Files.write(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
