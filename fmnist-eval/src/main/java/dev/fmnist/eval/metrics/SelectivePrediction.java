package dev.fmnist.eval.metrics;

import dev.fmnist.runtime.model.Acceptance;
import dev.fmnist.runtime.model.Acceptance.Accepted;
import dev.fmnist.runtime.predict.AcceptanceThreshold;
import dev.fmnist.runtime.predict.Predictions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What accepting only a model's surest answers does on the evaluated images: the risk-coverage curve (the error
 * rate of the accepted answers as more of them are accepted, most confident first), and for each target accuracy of
 * accepted answers, the threshold chosen on the run's validation images and what it accepts of these.
 *
 * @param areaUnderCurve the mean error rate of the accepted answers over every coverage (AURC): lower is a better
 *                       ranking of sure and unsure answers
 * @param riskCoverage   the curve at 1%, 2%, ... 100% coverage, with the answered probabilities
 * @param targets        per target accuracy and kind of probabilities (raw, and calibrated for a calibrated model);
 *                       empty when there are no validation images to choose thresholds on ({@code reason} says why)
 * @param stored         what the model's own threshold ({@code fmnist threshold}) accepts of these images; null when
 *                       it has none
 * @param reason         why {@code targets} is empty; null when it is not
 */
public record SelectivePrediction(double areaUnderCurve, List<CurvePoint> riskCoverage, List<Target> targets,
        Target stored, String reason) {

    /** The accuracies of accepted answers the report chooses thresholds for. */
    public static final List<Double> TARGETS = List.of(0.95, 0.98, 0.99, 0.995);

    /** The error rate of the {@code coverage} most confident answers. */
    public record CurvePoint(double coverage, double risk) {}

    /**
     * A threshold and what it accepts.
     *
     * @param accuracy           the accuracy asked of accepted answers
     * @param probabilities      {@code raw} or {@code calibrated}: the probabilities it was chosen on and applied to
     * @param threshold          the top-class probability from which answers are accepted; null when no threshold
     *                           reached the target on the validation images
     * @param validationCoverage the share of the validation images it accepts
     * @param coverage           the share of the evaluated images it accepts
     * @param acceptedAccuracy   the accuracy of those (1 when none is accepted)
     */
    public record Target(double accuracy, String probabilities, Double threshold, Double validationCoverage,
            double coverage, double acceptedAccuracy) {

        /** How far the evaluated images' accepted accuracy falls short of the target, in points (0 when it holds). */
        public double shortfallPoints() {
            return Math.max(0, (accuracy - acceptedAccuracy) * 100);
        }
    }

    /**
     * The figures of {@code evaluated}, with thresholds chosen on {@code validation}.
     *
     * @param evaluatedRaw  the evaluated images' raw probabilities
     * @param evaluated     the same as the model answers them: calibrated, or {@code evaluatedRaw} itself
     * @param validationRaw the run's validation images' raw probabilities; null when there are none
     * @param validation    the same calibrated; null for a model without calibration
     * @param temperature   the calibration's temperature (1 without one)
     * @param stored        the model's own threshold, when it applies to {@code evaluated}
     * @param reason        why {@code validationRaw} is null
     */
    public static SelectivePrediction of(Predictions evaluatedRaw, Predictions evaluated, Predictions validationRaw,
            Predictions validation, double temperature, Optional<Acceptance> stored, String reason) {
        List<Target> targets = new ArrayList<>();
        if (validationRaw != null) {
            for (double target : TARGETS) {
                targets.add(target(target, "raw", validationRaw, evaluatedRaw, 1));
                if (validation != null) {
                    targets.add(target(target, "calibrated", validation, evaluated, temperature));
                }
            }
        }
        Target own = stored.map(acceptance -> applied(acceptance, evaluated,
                evaluated == evaluatedRaw ? "raw" : "calibrated")).orElse(null);
        int[] errors = cumulativeErrors(evaluated);
        return new SelectivePrediction(areaUnderCurve(errors), curve(errors), List.copyOf(targets), own,
                validationRaw == null ? reason : null);
    }

    private static Target target(double accuracy, String kind, Predictions validation, Predictions evaluated,
            double temperature) {
        return AcceptanceThreshold.choose(validation, accuracy, temperature)
                .map(acceptance -> applied(acceptance, evaluated, kind))
                .orElse(new Target(accuracy, kind, null, null, 0, 1));
    }

    private static Target applied(Acceptance acceptance, Predictions evaluated, String kind) {
        Accepted accepted = AcceptanceThreshold.apply(acceptance, evaluated);
        return new Target(acceptance.targetAccuracy(), kind, acceptance.threshold(),
                acceptance.validation().coverage(), accepted.coverage(), accepted.accuracy());
    }

    private static List<CurvePoint> curve(int[] errors) {
        List<CurvePoint> points = new ArrayList<>(100);
        for (int percent = 1; percent <= 100; percent++) {
            int k = Math.max(1, (int) Math.round(errors.length * percent / 100.0));
            points.add(new CurvePoint(percent / 100.0, (double) errors[k - 1] / k));
        }
        return points;
    }

    private static double areaUnderCurve(int[] errors) {
        double sum = 0;
        for (int k = 1; k <= errors.length; k++) {
            sum += (double) errors[k - 1] / k;
        }
        return sum / errors.length;
    }

    /** The wrong answers among the k + 1 most confident, for every k. */
    private static int[] cumulativeErrors(Predictions answered) {
        Integer[] order = AcceptanceThreshold.byConfidence(answered);
        int[] errors = new int[order.length];
        int wrong = 0;
        for (int k = 0; k < order.length; k++) {
            if (answered.predicted(order[k]) != answered.labels()[order[k]]) {
                wrong++;
            }
            errors[k] = wrong;
        }
        return errors;
    }
}
