package dev.fmnist.eval.metrics;

import dev.fmnist.runtime.predict.Predictions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Computes {@link EvaluationMetrics}. Accuracy and log loss are {@link Predictions}' own, the figures every
 * report and the training summary share; DL4J's {@link Evaluation} gives top-2 accuracy, the confusion
 * matrix and per-class precision, recall and F1; calibration is computed here.
 */
public final class MetricsCalculator {

    /** Bins of the reliability diagram and of the expected calibration error. */
    public static final int CALIBRATION_BINS = 15;

    private MetricsCalculator() {}

    public static EvaluationMetrics compute(String split, Predictions predictions, int mostConfused) {
        int n = predictions.count();
        int classes = predictions.classes();
        if (n == 0) {
            throw new IllegalArgumentException("no predictions to evaluate");
        }
        Evaluation evaluation = new Evaluation(predictions.classNames(), 2);
        float[] oneHot = new float[n * classes];
        for (int i = 0; i < n; i++) {
            oneHot[i * classes + predictions.labels()[i]] = 1;
        }
        INDArray labels = Nd4j.create(oneHot, new long[] {n, classes}, 'c');
        INDArray probabilities = Nd4j.create(predictions.probabilities(), new long[] {n, classes}, 'c');
        evaluation.eval(labels, probabilities);

        int[][] confusion = new int[classes][classes];
        for (int actual = 0; actual < classes; actual++) {
            for (int predicted = 0; predicted < classes; predicted++) {
                confusion[actual][predicted] = evaluation.getConfusionMatrix().getCount(actual, predicted);
            }
        }
        List<ClassMetrics> perClass = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            int support = 0;
            int predictedAs = 0;
            for (int k = 0; k < classes; k++) {
                support += confusion[c][k];
                predictedAs += confusion[k][c];
            }
            // DL4J answers 0 for a class never predicted (precision) or never present (recall), as scikit-learn does.
            double precision = predictedAs == 0 ? 0 : evaluation.precision(c);
            double recall = support == 0 ? 0 : evaluation.recall(c);
            double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            perClass.add(new ClassMetrics(c, predictions.classNames().get(c), precision, recall, f1, support));
        }
        double[][] normalized = new double[classes][classes];
        for (int actual = 0; actual < classes; actual++) {
            int support = perClass.get(actual).support();
            for (int predicted = 0; predicted < classes; predicted++) {
                normalized[actual][predicted] = support == 0 ? 0 : (double) confusion[actual][predicted] / support;
            }
        }

        double logLoss = predictions.logLoss();

        List<CalibrationBin> bins = calibration(predictions);
        double ece = 0;
        for (CalibrationBin bin : bins) {
            if (bin.count() > 0) {
                ece += (double) bin.count() / n * Math.abs(bin.accuracy() - bin.meanConfidence());
            }
        }
        return new EvaluationMetrics(split, n, predictions.accuracy(), evaluation.topNAccuracy(), logLoss, perClass,
                mean(perClass, ClassMetrics::precision), mean(perClass, ClassMetrics::recall),
                mean(perClass, ClassMetrics::f1), weighted(perClass, ClassMetrics::precision, n),
                weighted(perClass, ClassMetrics::recall, n), weighted(perClass, ClassMetrics::f1, n), confusion,
                normalized, confused(confusion, predictions.classNames(), mostConfused), bins, ece);
    }

    /** Equal-width bins over (0, 1] of the top probability. */
    static List<CalibrationBin> calibration(Predictions predictions) {
        int[] count = new int[CALIBRATION_BINS];
        double[] confidence = new double[CALIBRATION_BINS];
        int[] correct = new int[CALIBRATION_BINS];
        for (int i = 0; i < predictions.count(); i++) {
            double top = predictions.confidence(i);
            int bin = Math.min(CALIBRATION_BINS - 1, Math.max(0, (int) Math.ceil(top * CALIBRATION_BINS) - 1));
            count[bin]++;
            confidence[bin] += top;
            if (predictions.predicted(i) == predictions.labels()[i]) {
                correct[bin]++;
            }
        }
        List<CalibrationBin> bins = new ArrayList<>();
        for (int b = 0; b < CALIBRATION_BINS; b++) {
            bins.add(new CalibrationBin((double) b / CALIBRATION_BINS, (double) (b + 1) / CALIBRATION_BINS, count[b],
                    count[b] == 0 ? Double.NaN : confidence[b] / count[b],
                    count[b] == 0 ? Double.NaN : (double) correct[b] / count[b]));
        }
        return bins;
    }

    private static List<ConfusedPair> confused(int[][] confusion, List<String> names, int limit) {
        List<ConfusedPair> pairs = new ArrayList<>();
        for (int a = 0; a < confusion.length; a++) {
            for (int b = a + 1; b < confusion.length; b++) {
                if (confusion[a][b] + confusion[b][a] > 0) {
                    pairs.add(new ConfusedPair(names.get(a), names.get(b), confusion[a][b], confusion[b][a]));
                }
            }
        }
        pairs.sort(Comparator.comparingInt(ConfusedPair::total).reversed());
        return pairs.subList(0, Math.min(limit, pairs.size()));
    }

    private static double mean(List<ClassMetrics> perClass, java.util.function.ToDoubleFunction<ClassMetrics> figure) {
        return perClass.stream().mapToDouble(figure).average().orElse(Double.NaN);
    }

    private static double weighted(List<ClassMetrics> perClass, java.util.function.ToDoubleFunction<ClassMetrics> figure,
            int n) {
        return perClass.stream().mapToDouble(c -> figure.applyAsDouble(c) * c.support()).sum() / n;
    }
}
