package dev.fmnist.eval.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.fmnist.runtime.model.Acceptance;
import dev.fmnist.runtime.predict.Predictions;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The risk-coverage curve, its area and the per-target rows, on predictions worked out by hand. */
class SelectivePredictionTest {

    /** Two classes: image i says class 0 with probability {@code confidence[i]}. */
    private static Predictions predictions(float[] confidence, int[] labels) {
        float[] probabilities = new float[confidence.length * 2];
        for (int i = 0; i < confidence.length; i++) {
            probabilities[2 * i] = confidence[i];
            probabilities[2 * i + 1] = 1 - confidence[i];
        }
        return new Predictions(labels, probabilities, List.of("a", "b"));
    }

    @Test
    void theCurveAndItsAreaFollowTheAnswersFromTheMostConfident() {
        // most confident first: right, wrong, right, right
        Predictions evaluated = predictions(new float[] {0.6f, 0.95f, 0.9f, 0.7f}, new int[] {0, 0, 1, 0});
        SelectivePrediction selective = SelectivePrediction.of(evaluated, evaluated, null, null, 1, Optional.empty(),
                "no validation images");
        // error rates at 1..4 accepted: 0, 1/2, 1/3, 1/4
        assertThat(selective.areaUnderCurve()).isCloseTo((0 + 0.5 + 1.0 / 3 + 0.25) / 4, within(1e-12));
        assertThat(selective.riskCoverage()).hasSize(100);
        assertThat(selective.riskCoverage().get(24)).isEqualTo(new SelectivePrediction.CurvePoint(0.25, 0));
        assertThat(selective.riskCoverage().get(49)).isEqualTo(new SelectivePrediction.CurvePoint(0.5, 0.5));
        assertThat(selective.riskCoverage().get(99)).isEqualTo(new SelectivePrediction.CurvePoint(1, 0.25));
        assertThat(selective.targets()).isEmpty();
        assertThat(selective.reason()).isEqualTo("no validation images");
        assertThat(selective.stored()).isNull();
    }

    @Test
    void eachTargetIsChosenOnTheValidationImagesAndCheckedOnTheEvaluatedOnes() {
        // validation, most confident first: right x3, wrong, right x4
        Predictions validation = predictions(new float[] {0.99f, 0.98f, 0.97f, 0.96f, 0.9f, 0.85f, 0.8f, 0.75f},
                new int[] {0, 0, 0, 1, 0, 0, 0, 0});
        Predictions evaluated = predictions(new float[] {0.99f, 0.96f, 0.9f, 0.8f}, new int[] {0, 1, 0, 0});
        Acceptance own = new Acceptance(0.9, 0.9f, 1, new Acceptance.Accepted(8, 5, 4));
        SelectivePrediction selective = SelectivePrediction.of(evaluated, evaluated, validation, null, 1,
                Optional.of(own), null);
        assertThat(selective.targets()).extracting(SelectivePrediction.Target::accuracy)
                .containsExactly(0.95, 0.98, 0.99, 0.995);
        // 95%: 7 of 8 right (87.5%) is too few, the top 3 (100%) reach it
        SelectivePrediction.Target ninetyFive = selective.targets().get(0);
        assertThat(ninetyFive.probabilities()).isEqualTo("raw");
        assertThat(ninetyFive.threshold()).isEqualTo(0.97f);
        assertThat(ninetyFive.validationCoverage()).isEqualTo(3 / 8.0);
        assertThat(ninetyFive.coverage()).isEqualTo(0.25);
        assertThat(ninetyFive.acceptedAccuracy()).isEqualTo(1);
        assertThat(ninetyFive.shortfallPoints()).isZero();
        // the model's own threshold, 0.9 (a float, as confidences are): three accepted, one of them wrong
        assertThat(selective.stored().coverage()).isEqualTo(0.75);
        assertThat(selective.stored().acceptedAccuracy()).isCloseTo(2 / 3.0, within(1e-12));
        assertThat(selective.stored().shortfallPoints()).isCloseTo((0.9 - 2 / 3.0) * 100, within(1e-9));
    }
}
