package dev.fmnist.runtime.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fmnist.api.data.LabelledImages;
import dev.fmnist.data.RealDataset;
import dev.fmnist.runtime.TestModels;
import dev.fmnist.runtime.model.Acceptance;
import dev.fmnist.runtime.model.Acceptance.Accepted;
import dev.fmnist.runtime.model.Calibration;
import dev.fmnist.runtime.model.ModelFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Selective prediction: the threshold of most coverage reaching a target, and what a predictor does with it. */
class AcceptanceThresholdTest {

    private static final List<String> CLASSES = List.of("a", "b");

    @TempDir
    Path dir;

    /** Two-class predictions: image i says class 0 with probability {@code confidence[i]}; its label is given. */
    private static Predictions predictions(float[] confidence, int[] labels) {
        float[] probabilities = new float[confidence.length * 2];
        for (int i = 0; i < confidence.length; i++) {
            probabilities[2 * i] = confidence[i];
            probabilities[2 * i + 1] = 1 - confidence[i];
        }
        return new Predictions(labels, probabilities, CLASSES);
    }

    @Test
    void theThresholdIsTheLowestConfidenceWhoseAcceptedAnswersReachTheTarget() {
        // most confident first: right, right, right, wrong, right, right, wrong, wrong
        float[] confidence = {0.99f, 0.97f, 0.95f, 0.93f, 0.9f, 0.8f, 0.7f, 0.6f};
        int[] labels = {0, 0, 0, 1, 0, 0, 1, 1};
        Predictions answered = predictions(confidence, labels);

        // 5 of the top 6 are right (83%): the cut of most coverage at 80%, though the top 4 are only 75% right
        Acceptance eighty = AcceptanceThreshold.choose(answered, 0.8, 1).orElseThrow();
        assertThat(eighty.threshold()).isEqualTo(0.8f);
        assertThat(eighty.validation()).isEqualTo(new Accepted(8, 6, 5));
        assertThat(AcceptanceThreshold.choose(answered, 0.95, 1).orElseThrow().validation())
                .isEqualTo(new Accepted(8, 3, 3));
        assertThat(AcceptanceThreshold.choose(answered, 0.5, 1).orElseThrow().validation())
                .isEqualTo(new Accepted(8, 8, 5));
        // applied elsewhere, it accepts what has at least its confidence
        assertThat(AcceptanceThreshold.apply(eighty, predictions(new float[] {0.81f, 0.8f, 0.79f, 0.99f},
                new int[] {0, 1, 0, 1}))).isEqualTo(new Accepted(4, 3, 1));
        assertThat(eighty.accepts(new float[] {0.2f, 0.8f})).isTrue();
        assertThat(eighty.accepts(new float[] {0.21f, 0.79f})).isFalse();
    }

    @Test
    void imagesOfEqualConfidenceAreAcceptedTogetherAndAnUnreachableTargetChoosesNothing() {
        // the top two tie at 0.9, one right and one wrong: no cut between them
        Predictions tied = predictions(new float[] {0.9f, 0.9f, 0.8f}, new int[] {0, 1, 0});
        assertThat(AcceptanceThreshold.choose(tied, 0.6, 1).orElseThrow().validation()).isEqualTo(new Accepted(3, 3, 2));
        assertThat(AcceptanceThreshold.choose(tied, 0.7, 1)).isEmpty();
        assertThatThrownBy(() -> AcceptanceThreshold.choose(predictions(new float[0], new int[0]), 0.9, 1))
                .hasMessageContaining("there are none");
        assertThatThrownBy(() -> new Acceptance(1, 0.5, 1, new Accepted(1, 1, 1)))
                .hasMessageContaining("in (0, 1)");
    }

    @Test
    @Tag("dataset")
    void aThresholdChosenOnHeldOutImagesHoldsOnTheTestImagesWithinAPoint() {
        // the mlp trained on the first 3,000 training images; 6,000 others choose, the 10,000 test images check
        Predictor predictor = Predictor.load(TestModels.mlp());
        LabelledImages training = RealDataset.get().dataset().trainingImages();
        Predictions heldOut = predictor.predictions(training.subset(IntStream.range(50_000, 56_000).toArray()));
        Predictions test = predictor.predictions(RealDataset.get().dataset().testImages());
        for (double target : List.of(0.95, 0.98)) {
            Acceptance acceptance = AcceptanceThreshold.choose(heldOut, target, 1).orElseThrow();
            Accepted onTest = AcceptanceThreshold.apply(acceptance, test);
            assertThat(acceptance.validation().accuracy()).as("on the images it was chosen on").isGreaterThanOrEqualTo(target);
            assertThat(onTest.accuracy()).as("accepted accuracy on the test images for %s", target)
                    .isBetween(target - 0.01, Math.min(1, target + 0.01));
            assertThat(onTest.coverage()).as("coverage on the test images for %s", target)
                    .isBetween(acceptance.validation().coverage() - 0.05, acceptance.validation().coverage() + 0.05)
                    .isBetween(0.05, 0.95);
        }
    }

    @Test
    @Tag("dataset")
    void aPredictorOffersTheThresholdOnlyForTheProbabilitiesItWasChosenOn() throws IOException {
        Path file = dir.resolve("mlp.zip");
        Files.copy(TestModels.mlp().resolve("best.zip"), file);
        Acceptance raw = new Acceptance(0.99, 0.9, 1, new Accepted(100, 40, 40));
        ModelFile.replaceManifest(file, ModelFile.manifest(file).withAcceptance(raw));
        Predictor predictor = Predictor.load(file);
        assertThat(predictor.acceptance()).contains(raw);
        assertThat(predictor.withFlipAveraging(true).acceptance()).isEmpty();
        assertThat(predictor.acceptanceWithheld()).isEmpty();
        assertThat(predictor.withFlipAveraging(true).acceptanceWithheld()).get().asString()
                .contains("average each image with its mirror");

        // calibrated at 2 and chosen at 1: the threshold would mean another share of answers, so none is offered
        ModelFile.replaceManifest(file, ModelFile.manifest(file).withCalibration(new Calibration(2, 100, 0.5, 0.4)));
        Predictor calibrated = Predictor.load(file);
        assertThat(calibrated.acceptance()).isEmpty();
        assertThat(calibrated.acceptanceWithheld()).contains("it was chosen on probabilities at temperature 1.000, "
                + "and these are at 2.000; choose it again with fmnist threshold");
        assertThat(calibrated.withCalibration(false).acceptance()).contains(raw);
        Acceptance atTwo = new Acceptance(0.99, 0.7, 2, new Accepted(100, 40, 40));
        ModelFile.replaceManifest(file, ModelFile.manifest(file).withAcceptance(atTwo));
        assertThat(Predictor.load(file).acceptance()).contains(atTwo);
        assertThat(ModelFile.manifest(file).acceptance()).isEqualTo(atTwo);
    }
}
