package dev.fmnist.eval;

import dev.fmnist.api.data.DataSource;
import dev.fmnist.api.data.LabelledImages;
import dev.fmnist.eval.metrics.EvaluationMetrics;
import dev.fmnist.eval.metrics.MetricsCalculator;
import dev.fmnist.runtime.model.ModelManifest;
import dev.fmnist.runtime.predict.Predictions;
import dev.fmnist.runtime.predict.Predictor;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An ensemble's figures on the test images beside its members': accuracy, log loss, calibration, and what it costs per
 * image. The members answer as the ensemble does (with flip averaging when it has it), so costs compare like for like.
 */
public final class EnsembleReport {

    /** One model's figures; {@code imagesPerSecond} over the whole test set in batches, on this machine's threads. */
    public record Row(String model, String modelFile, long parameters, double weight, double accuracy, double logLoss,
            double calibrationError, double imagesPerSecond) {}

    private final DataSource data;

    @Inject
    public EnsembleReport(DataSource data) {
        this.data = data;
    }

    /**
     * The members' rows, then the ensemble's, from the models the caller holds (the ensemble's manifest lists its
     * members in the same order); refused when the data names other classes than the ensemble.
     */
    public List<Row> measure(Path ensembleFile, Predictor ensemble, List<Predictor> members) {
        ModelManifest manifest = ensemble.manifest();
        if (manifest.ensemble() == null || manifest.ensemble().members().size() != members.size()) {
            throw new EvaluationException(ensembleFile + " is not an ensemble of these " + members.size() + " models");
        }
        if (!manifest.classNames().equals(data.classNames())) {
            throw new EvaluationException("the ensemble " + ensembleFile + " names the classes "
                    + manifest.classNames() + ", but " + data.description() + " has " + data.classNames()
                    + ": give the data its members were trained on with --data");
        }
        LabelledImages test = data.testImages();
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < members.size(); i++) {
            ModelManifest.Ensemble.Member member = manifest.ensemble().members().get(i);
            // as the ensemble holds it: its network's raw probabilities, not its calibration
            Predictor predictor = members.get(i).withFlipAveraging(manifest.flipAveraged()).withCalibration(false);
            rows.add(row(member.modelId() + " (" + member.modelFile() + ")", Path.of(member.modelFile()), predictor,
                    member.weight(), test));
        }
        rows.add(row("ensemble of " + rows.size(), ensembleFile, ensemble, 1, test));
        return rows;
    }

    private static Row row(String name, Path file, Predictor predictor, double weight, LabelledImages test) {
        // untimed: the first forward passes create the layer helpers' primitives
        predictor.predictions(test.subset(java.util.stream.IntStream.range(0, Math.min(500, test.count())).toArray()));
        long started = System.nanoTime();
        Predictions predictions = predictor.predictions(test);
        double seconds = (System.nanoTime() - started) / 1e9;
        EvaluationMetrics metrics = MetricsCalculator.compute("test", predictions, 0);
        return new Row(name, file.toString(), predictor.network().numParams(), weight, metrics.accuracy(),
                metrics.logLoss(), metrics.expectedCalibrationError(), test.count() / seconds);
    }

    /** The rows as a Markdown table. */
    public static String markdown(List<Row> rows) {
        StringBuilder table = new StringBuilder("| model | parameters | weight | accuracy | log loss | ECE | images/s |\n"
                + "|---|---|---|---|---|---|---|\n");
        for (Row row : rows) {
            table.append(String.format(Locale.ROOT, "| %s | %,d | %.3f | %.2f%% | %.4f | %.4f | %,.0f |%n", row.model(),
                    row.parameters(), row.weight(), row.accuracy() * 100, row.logLoss(), row.calibrationError(),
                    row.imagesPerSecond()));
        }
        return table.toString();
    }
}
