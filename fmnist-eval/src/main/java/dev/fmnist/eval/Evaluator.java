package dev.fmnist.eval;

import dev.fmnist.api.data.DataSource;
import dev.fmnist.api.data.LabelledImages;
import dev.fmnist.api.training.EpochMetrics;
import dev.fmnist.data.SplitData;
import dev.fmnist.eval.charts.Charts;
import dev.fmnist.eval.charts.Png;
import dev.fmnist.eval.charts.PredictionGrid;
import dev.fmnist.eval.metrics.ClassMetrics;
import dev.fmnist.eval.metrics.ConfusedPair;
import dev.fmnist.eval.metrics.EvaluationMetrics;
import dev.fmnist.eval.metrics.MetricsCalculator;
import dev.fmnist.eval.metrics.SelectivePrediction;
import dev.fmnist.eval.report.ArchitectureSummary;
import dev.fmnist.eval.report.HtmlReport;
import dev.fmnist.runtime.explain.Explainer;
import dev.fmnist.runtime.model.ModelFile;
import dev.fmnist.runtime.model.ModelManifest;
import dev.fmnist.runtime.plugins.PluginClasses;
import dev.fmnist.runtime.predict.EncodedBatch;
import dev.fmnist.runtime.predict.Predictions;
import dev.fmnist.runtime.predict.Predictor;
import dev.fmnist.runtime.predict.Temperature;
import dev.fmnist.runtime.model.Calibration;
import dev.fmnist.runtime.run.Json;
import dev.fmnist.runtime.run.RunDirectory;
import dev.fmnist.runtime.run.RunSummary;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * Evaluates a run's best model on the test (or validation) split and writes {@code metrics.json}, the
 * pictures and one self-contained {@code report.html} into the run's {@code eval/} folder.
 */
public final class Evaluator {

    public enum Split { TEST, VAL }

    private static final int GRID_IMAGES = 40;

    /** The most confident mistakes the report explains (an occlusion map is about 150 images' forward passes). */
    private static final int EXPLAINED = 10;

    private final DataSource data;
    private final PluginClasses classes;

    @Inject
    public Evaluator(DataSource data, PluginClasses classes) {
        this.data = data;
        this.classes = classes;
    }

    /**
     * Why the run cannot be evaluated on this evaluator's data, in a sentence: it was trained on other classes (an
     * image folder's, say); empty when it can.
     */
    public Optional<String> otherData(Path runDir) {
        return otherData(runDir, ModelFile.manifest(new RunDirectory(runDir).model()));
    }

    private Optional<String> otherData(Path runDir, ModelManifest manifest) {
        if (manifest.classNames().equals(data.classNames())) {
            return Optional.empty();
        }
        return Optional.of(runDir + " was trained on the classes " + manifest.classNames() + " ("
                + manifest.data().source() + "), but the data to evaluate it on, " + data.description() + ", has "
                + data.classNames() + ": give the data it was trained on with --data");
    }

    /**
     * The run's accuracy on the test images with each image's probabilities averaged with its mirror's: one pass,
     * no report written.
     */
    public double flipAveragedAccuracy(Path runDir) {
        Predictor predictor = Predictor.load(new RunDirectory(runDir).model(), classes).withFlipAveraging(true);
        otherData(runDir, predictor.manifest()).ifPresent(sentence -> {
            throw new EvaluationException(sentence);
        });
        return predictor.predictions(images(predictor.manifest(), Split.TEST)).accuracy();
    }

    public EvaluationReport evaluate(Path runDir, Split split, Path outDir) {
        return evaluate(runDir, split, outDir, false);
    }

    /** @param flipAveraging average each image's probabilities with its mirror's (test-time augmentation) */
    public EvaluationReport evaluate(Path runDir, Split split, Path outDir, boolean flipAveraging) {
        RunDirectory run = new RunDirectory(runDir);
        Path modelFile = run.model();
        Predictor predictor = Predictor.load(modelFile, classes).withFlipAveraging(flipAveraging);
        ModelManifest manifest = predictor.manifest();
        if (split == Split.VAL && manifest.imported() != null) {
            throw new EvaluationException(runDir + " was imported from " + manifest.imported().file() + ", trained "
                    + "elsewhere: which images it learned from is unknown, so none are held out for it; evaluate it on "
                    + "the test split");
        }
        if (split == Split.VAL && manifest.data().validationImages() == 0) {
            throw new EvaluationException(runDir + " was trained on all its training images (--fit-all): it has no "
                    + "validation images; evaluate it on the test split");
        }
        if (split == Split.VAL && manifest.ensemble() != null) {
            throw new EvaluationException(runDir + " is an ensemble: its members may have trained on other validation "
                    + "images than its first member's; evaluate it on the test split");
        }
        otherData(runDir, manifest).ifPresent(sentence -> {
            throw new EvaluationException(sentence);
        });
        LabelledImages images = images(manifest, split);
        // one forward pass: the raw probabilities, then the calibrated ones from them
        Predictions raw = predictor.withCalibration(false).predictions(images);
        Predictions predictions = calibrated(raw, manifest.calibration());
        EvaluationMetrics metrics = MetricsCalculator.compute(split.name().toLowerCase(), predictions, 5);
        CalibrationEffect calibration = manifest.calibration() == null ? null
                : new CalibrationEffect(manifest.calibration().temperature(), raw.logLoss(), predictions.logLoss(),
                        MetricsCalculator.compute(split.name().toLowerCase(), raw, 5).expectedCalibrationError(),
                        metrics.expectedCalibrationError());
        ArchitectureSummary architecture = ArchitectureSummary.of(predictor.network(), manifest.inputLayout(),
                manifest.imageShape());
        RunSummary summary = Files.isRegularFile(run.summary()) ? Json.read(run.summary(), RunSummary.class) : null;
        List<EpochMetrics> history = Files.isRegularFile(run.historyJson())
                ? List.of(Json.read(run.historyJson(), EpochMetrics[].class)) : manifest.history();
        SelectivePrediction selective = selective(predictor, split, raw, predictions);
        EvaluationReport report = new EvaluationReport(runDir.toString(), manifest.modelId(), modelFile.toString(),
                manifest.parameters(), architecture, metrics, summary, predictor.flipAveraging(), calibration,
                selective);

        createDirectories(outDir);
        String name = manifest.modelId() + " (" + runDir.getFileName() + ")";
        byte[] curves = history.isEmpty() ? null : Png.encode(Charts.trainingCurves(history, manifest.modelId()));
        byte[] confusion = Png.encode(Charts.confusionHeatmap(metrics, manifest.classNames(),
                "Confusion matrix, " + split.name().toLowerCase() + " split: " + name));
        byte[] reliability = Png.encode(Charts.reliabilityDiagram(metrics, "Reliability diagram"));
        byte[] samples = Png.encode(PredictionGrid.render(images, predictions, samples(images, manifest.seed()), 10,
                "Sample predictions (wrong ones framed in red)"));
        List<Integer> mistaken = mistakes(predictions);
        byte[] mistakes = Png.encode(PredictionGrid.render(images, predictions, mistaken, 10,
                "The most confident mistakes"));
        List<Integer> explained = mistaken.subList(0, Math.min(EXPLAINED, mistaken.size()));
        byte[] mistakesExplained = Png.encode(PredictionGrid.render(images, predictions, explained, 10,
                "Why: the " + explained.size() + " most confident mistakes, where hiding part of the image lowers the "
                        + "answered class's probability (occlusion)", occlusionMaps(predictor, images, explained,
                        predictions)));
        byte[] riskCoverage = Png.encode(Charts.riskCoverage(selective, "Risk-coverage, " + split.name().toLowerCase()
                + " split: " + name));
        write(outDir.resolve("confusion.png"), confusion);
        write(outDir.resolve("reliability.png"), reliability);
        write(outDir.resolve("samples.png"), samples);
        write(outDir.resolve("mistakes.png"), mistakes);
        write(outDir.resolve("mistakes-explained.png"), mistakesExplained);
        write(outDir.resolve("risk-coverage.png"), riskCoverage);
        if (curves != null) {
            write(outDir.resolve("curves.png"), curves);
        }
        write(outDir.resolve("architecture.txt"), architecture.text().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Json.write(outDir.resolve("metrics.json"), report);
        write(outDir.resolve("report.html"), html(report, name, curves, confusion, reliability, riskCoverage, samples,
                mistakes, mistakesExplained));
        return report;
    }

    /**
     * Selective prediction on the evaluated images, with thresholds chosen on the run's validation images when they
     * are known and apart from the evaluated ones.
     */
    private SelectivePrediction selective(Predictor predictor, Split split, Predictions raw, Predictions answered) {
        ModelManifest manifest = predictor.manifest();
        String reason = split == Split.VAL ? "thresholds are chosen on the validation images: evaluate the test "
                + "split to see what they accept of other images"
                : manifest.ensemble() != null ? "an ensemble's members may have held out other validation images: "
                + "none is left to choose thresholds on"
                : manifest.imported() != null ? "the model was imported, trained elsewhere: no validation images "
                + "are known to be held out for it to choose thresholds on"
                : manifest.data().validationImages() == 0 ? "the model was trained on every training image "
                + "(--fit-all): no validation images are left to choose thresholds on"
                : !trainedOn(manifest) ? "these images are not of the data the model was trained on, so its "
                + "validation images are not among them" : null;
        Predictions validationRaw = null;
        Predictions validation = null;
        if (reason == null) {
            validationRaw = predictor.withCalibration(false).predictions(images(manifest, Split.VAL));
            validation = manifest.calibration() == null ? null : calibrated(validationRaw, manifest.calibration());
        }
        return SelectivePrediction.of(raw, answered, validationRaw, validation, manifest.answerTemperature(),
                predictor.acceptance(), reason);
    }

    /** Whether this evaluator's data is what the model was trained on (a model that did not record it is believed). */
    private boolean trainedOn(ModelManifest manifest) {
        String fingerprint = manifest.data().trainImagesSha256();
        return fingerprint == null || fingerprint.isEmpty() || fingerprint.equals(data.fingerprint());
    }

    /** The probabilities at the calibration's temperature; {@code raw} itself without one. */
    private static Predictions calibrated(Predictions raw, Calibration calibration) {
        if (calibration == null) {
            return raw;
        }
        return new Predictions(raw.labels(), Temperature.apply(raw.probabilities().clone(), raw.classes(),
                calibration.temperature()), raw.classNames());
    }

    private LabelledImages images(ModelManifest manifest, Split split) {
        if (split == Split.TEST) {
            return data.testImages();
        }
        // The validation images of the run's own seed, fraction and limit, not the current configuration's.
        return SplitData.of(data, manifest.seed(), manifest.data().validationFraction())
                .limit(manifest.data().trainImages(), manifest.data().validationImages()).validation();
    }

    private static List<Integer> samples(LabelledImages images, long seed) {
        List<Integer> all = new ArrayList<>(IntStream.range(0, images.count()).boxed().toList());
        Collections.shuffle(all, new Random(seed));
        return all.subList(0, Math.min(GRID_IMAGES, all.size()));
    }

    /** Occlusion maps of the answered class of {@code indices}, as this evaluation's predictor answers them. */
    private static List<float[]> occlusionMaps(Predictor predictor, LabelledImages images, List<Integer> indices,
            Predictions predictions) {
        if (indices.isEmpty()) {
            return List.of();
        }
        float[] rows = new float[indices.size() * predictor.encoder().pixels()];
        int[] classes = new int[indices.size()];
        for (int k = 0; k < indices.size(); k++) {
            predictor.encoder().encode(images, indices.get(k), rows, k);
            classes[k] = predictions.predicted(indices.get(k));
        }
        return List.of(Explainer.OCCLUSION.maps(predictor, new EncodedBatch(rows, indices.size()), classes));
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
            byte[] reliability, byte[] riskCoverage, byte[] samples, byte[] mistakes, byte[] mistakesExplained) {
        EvaluationMetrics m = report.metrics();
        HtmlReport html = new HtmlReport("Evaluation of " + name);
        html.heading("summary", "Summary");
        List<List<String>> summary = new ArrayList<>(List.of(
                List.of("split", m.split() + " (" + m.images() + " images)"
                        + (report.flipAveraged() ? ", each averaged with its mirror image" : "")),
                List.of("model file", report.modelFile()),
                List.of("parameters", String.format("%,d", report.parameters())),
                List.of("accuracy", percent(m.accuracy())),
                List.of("top-2 accuracy", percent(m.top2Accuracy())),
                List.of("log loss", String.format("%.4f", m.logLoss())),
                List.of("macro F1", String.format("%.4f", m.macroF1())),
                List.of("weighted F1", String.format("%.4f", m.weightedF1())),
                List.of("expected calibration error (15 bins)", String.format("%.4f", m.expectedCalibrationError()))));
        if (report.calibration() != null) {
            CalibrationEffect c = report.calibration();
            summary.add(List.of("calibration", String.format("temperature %.3f (fitted on the run's validation "
                    + "images): log loss %.4f at temperature 1, ECE %.4f", c.temperature(), c.logLossBefore(),
                    c.eceBefore())));
        }
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
        selectiveSection(html, report.selective(), riskCoverage);
        html.heading("samples", "Sample predictions");
        html.image("sample predictions", samples);
        html.heading("mistakes", "Most confident mistakes");
        html.image("most confident mistakes", mistakes);
        html.paragraph("What the model looked at in the surest of them: each pixel tinted by how much hiding a patch "
                + "around it lowers the probability of the class it answered.");
        html.image("the most confident mistakes explained", mistakesExplained);
        html.heading("architecture", "Architecture");
        html.preformatted(report.architecture().text());
        return html.render();
    }

    private static void selectiveSection(HtmlReport html, SelectivePrediction selective, byte[] riskCoverage) {
        html.heading("selective", "Selective prediction");
        html.paragraph(String.format("Accepting only the surest answers (highest top-class probability first): the "
                + "error rate of the accepted ones against the share accepted. Area under the curve (AURC): %.4f.",
                selective.areaUnderCurve()));
        html.image("risk-coverage curve", riskCoverage);
        if (selective.targets().isEmpty()) {
            html.paragraph("No thresholds per target: " + selective.reason() + ".");
        } else {
            html.paragraph("Thresholds chosen on the run's validation images for each accuracy asked of the accepted "
                    + "answers, and what they accept of these images.");
            List<List<String>> rows = new ArrayList<>();
            for (SelectivePrediction.Target t : selective.targets()) {
                rows.add(targetRow(t));
            }
            html.table(List.of("accuracy asked", "probabilities", "threshold", "validation coverage", "coverage",
                    "accepted accuracy", "shortfall (points)"), rows);
        }
        if (selective.stored() != null) {
            html.paragraph("The model's own threshold (fmnist threshold):");
            html.table(List.of("accuracy asked", "probabilities", "threshold", "validation coverage", "coverage",
                    "accepted accuracy", "shortfall (points)"), List.of(targetRow(selective.stored())));
        }
    }

    private static List<String> targetRow(SelectivePrediction.Target t) {
        if (t.threshold() == null) {
            return List.of(percent(t.accuracy()), t.probabilities(), "not reached", "", "", "", "");
        }
        return List.of(percent(t.accuracy()), t.probabilities(), String.format("%.4f", t.threshold()),
                percent(t.validationCoverage()), percent(t.coverage()), percent(t.acceptedAccuracy()),
                String.format("%.2f", t.shortfallPoints()));
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
