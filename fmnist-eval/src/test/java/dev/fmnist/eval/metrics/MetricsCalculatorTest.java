package dev.fmnist.eval.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import dev.fmnist.runtime.predict.Predictions;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every figure against values worked out by hand on six images of three classes. */
class MetricsCalculatorTest {

    /**
     * <pre>
     * image label probabilities       predicted  confidence  top-2 hit
     *   0     a   .70 .20 .10          a  right   .70 (bin 10)  yes
     *   1     a   .40 .50 .10          b  wrong   .50 (bin 7)   yes
     *   2     b   .15 .75 .10          b  right   .75 (bin 11)  yes
     *   3     b   .30 .20 .50          c  wrong   .50 (bin 7)   no
     *   4     c   .05 .10 .85          c  right   .85 (bin 12)  yes
     *   5     c   .10 .20 .70          c  right   .70 (bin 10)  yes
     * </pre>
     */
    static Predictions fixture() {
        return new Predictions(new int[] {0, 0, 1, 1, 2, 2}, new float[] {
            .70f, .20f, .10f,
            .40f, .50f, .10f,
            .15f, .75f, .10f,
            .30f, .20f, .50f,
            .05f, .10f, .85f,
            .10f, .20f, .70f}, List.of("a", "b", "c"));
    }

    private final EvaluationMetrics metrics = MetricsCalculator.compute("test", fixture(), 5);

    @Test
    void accuracyTopTwoAndLogLoss() {
        assertThat(metrics.images()).isEqualTo(6);
        assertThat(metrics.accuracy()).isCloseTo(4 / 6.0, offset(1e-9));
        assertThat(metrics.top2Accuracy()).isCloseTo(5 / 6.0, offset(1e-9));
        double logLoss = -(Math.log(.70) + Math.log(.40) + Math.log(.75) + Math.log(.20) + Math.log(.85) + Math.log(.70)) / 6;
        assertThat(metrics.logLoss()).isCloseTo(logLoss, offset(1e-6));
    }

    @Test
    void confusionMatrixCountsAndRows() {
        assertThat(metrics.confusion()).isDeepEqualTo(new int[][] {{1, 1, 0}, {0, 1, 1}, {0, 0, 2}});
        assertThat(metrics.confusionNormalized()[0]).containsExactly(.5, .5, 0);
        assertThat(metrics.confusionNormalized()[2]).containsExactly(0, 0, 1);
    }

    @Test
    void perClassPrecisionRecallF1AndAverages() {
        // a: predicted once, rightly; 1 of 2 found. b: 1 of 2 predictions right; 1 of 2 found. c: 2 of 3; 2 of 2.
        assertThat(metrics.perClass()).extracting(ClassMetrics::precision)
                .containsExactly(1.0, 0.5, 2 / 3.0);
        assertThat(metrics.perClass()).extracting(ClassMetrics::recall).containsExactly(0.5, 0.5, 1.0);
        assertThat(metrics.perClass().get(0).f1()).isCloseTo(2 / 3.0, offset(1e-9));
        assertThat(metrics.perClass().get(1).f1()).isCloseTo(0.5, offset(1e-9));
        assertThat(metrics.perClass().get(2).f1()).isCloseTo(0.8, offset(1e-9));
        assertThat(metrics.perClass()).extracting(ClassMetrics::support).containsExactly(2, 2, 2);
        assertThat(metrics.macroPrecision()).isCloseTo((1 + .5 + 2 / 3.0) / 3, offset(1e-9));
        assertThat(metrics.macroRecall()).isCloseTo(2 / 3.0, offset(1e-9));
        assertThat(metrics.macroF1()).isCloseTo((2 / 3.0 + .5 + .8) / 3, offset(1e-9));
        assertThat(metrics.weightedF1()).as("equal supports").isCloseTo(metrics.macroF1(), offset(1e-9));
        assertThat(metrics.worstClass().name()).isEqualTo("b");
    }

    @Test
    void weightedAveragesFollowTheSupport() {
        // Three images of a (all right), one of b predicted as a: a has precision 3/4, recall 1; b 0 and 0.
        Predictions skewed = new Predictions(new int[] {0, 0, 0, 1},
                new float[] {.9f, .1f, .8f, .2f, .7f, .3f, .6f, .4f}, List.of("a", "b"));
        EvaluationMetrics m = MetricsCalculator.compute("test", skewed, 5);
        assertThat(m.weightedPrecision()).isCloseTo((3 * .75 + 1 * 0) / 4, offset(1e-9));
        assertThat(m.weightedRecall()).isCloseTo(.75, offset(1e-9));
        assertThat(m.macroRecall()).isCloseTo(.5, offset(1e-9));
    }

    @Test
    void mostConfusedPairsCountBothDirections() {
        assertThat(metrics.mostConfused()).containsExactly(new ConfusedPair("a", "b", 1, 0),
                new ConfusedPair("b", "c", 1, 0));
    }

    @Test
    void calibrationBinsAndExpectedCalibrationError() {
        assertThat(metrics.calibration()).hasSize(15);
        CalibrationBin bin7 = metrics.calibration().get(7);
        assertThat(bin7.count()).isEqualTo(2);
        assertThat(bin7.meanConfidence()).isCloseTo(.5, offset(1e-6));
        assertThat(bin7.accuracy()).isZero();
        assertThat(metrics.calibration().get(10).count()).isEqualTo(2);
        assertThat(metrics.calibration().get(10).accuracy()).isEqualTo(1.0);
        assertThat(metrics.calibration().get(11).count()).isEqualTo(1);
        assertThat(metrics.calibration().get(12).meanConfidence()).isCloseTo(.85, offset(1e-6));
        assertThat(metrics.calibration().get(0).count()).isZero();
        double ece = 2 / 6.0 * .5 + 2 / 6.0 * .3 + 1 / 6.0 * .25 + 1 / 6.0 * .15;
        assertThat(metrics.expectedCalibrationError()).isCloseTo(ece, offset(1e-6));
    }
}
