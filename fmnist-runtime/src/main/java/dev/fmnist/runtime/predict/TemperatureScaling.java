package dev.fmnist.runtime.predict;

import dev.fmnist.runtime.model.Calibration;
import org.apache.commons.math3.optim.MaxEval;
import org.apache.commons.math3.optim.nonlinear.scalar.GoalType;
import org.apache.commons.math3.optim.univariate.BrentOptimizer;
import org.apache.commons.math3.optim.univariate.SearchInterval;
import org.apache.commons.math3.optim.univariate.UnivariateObjectiveFunction;
import org.apache.commons.math3.optim.univariate.UnivariatePointValuePair;

/**
 * Fits a model's temperature on held-out predictions (Guo et al. 2017): the {@code T} whose probabilities
 * {@code softmax(logits / T)} have the least log loss. The log loss is convex in {@code 1 / T} (but for the clamp
 * of a hopeless image's loss at {@code -log(1e-7)}, which only flattens it), so Brent's method on that interval finds
 * its minimum.
 */
public final class TemperatureScaling {

    /** The temperatures searched: from 10x sharper to 20x flatter than the model answers. */
    static final double MIN_TEMPERATURE = 0.1;
    static final double MAX_TEMPERATURE = 20;

    private TemperatureScaling() {}

    /** The calibration of the model whose raw (temperature 1) predictions these are. */
    public static Calibration fit(Predictions raw) {
        if (raw.count() == 0) {
            throw new IllegalArgumentException("temperature scaling needs held-out images, and there are none");
        }
        // unclamped (a 0 is -infinity, which a positive 1/T keeps at 0): the loss is clamped as Predictions.logLoss
        // clamps it, after the temperature, so the fit minimizes what is reported
        float[] logProbabilities = new float[raw.probabilities().length];
        for (int i = 0; i < logProbabilities.length; i++) {
            logProbabilities[i] = (float) Math.log(raw.probabilities()[i]);
        }
        UnivariatePointValuePair best = new BrentOptimizer(1e-6, 1e-9).optimize(new MaxEval(200),
                new UnivariateObjectiveFunction(inverse -> logLoss(logProbabilities, raw, inverse)),
                GoalType.MINIMIZE, new SearchInterval(1 / MAX_TEMPERATURE, 1 / MIN_TEMPERATURE, 1));
        return new Calibration(1 / best.getPoint(), raw.count(), raw.logLoss(), best.getValue());
    }

    /**
     * The mean log loss at temperature {@code 1 / inverse}: with log-probabilities {@code l}, the softened
     * probability of class {@code y} is {@code exp(inverse * l_y) / sum_c exp(inverse * l_c)}.
     */
    private static double logLoss(float[] logProbabilities, Predictions raw, double inverse) {
        int classes = raw.classes();
        double sum = 0;
        for (int image = 0; image < raw.count(); image++) {
            int row = image * classes;
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                max = Math.max(max, inverse * logProbabilities[row + c]);
            }
            double total = 0;
            for (int c = 0; c < classes; c++) {
                total += Math.exp(inverse * logProbabilities[row + c] - max);
            }
            double logSoftened = inverse * logProbabilities[row + raw.labels()[image]] - max - Math.log(total);
            sum -= Math.max(logSoftened, Math.log(Predictions.EPSILON));
        }
        return sum / raw.count();
    }
}
