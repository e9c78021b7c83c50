package dev.fmnist.runtime.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.fmnist.api.data.LabelledImages;
import dev.fmnist.data.RealDataset;
import dev.fmnist.runtime.TestModels;
import dev.fmnist.runtime.model.Calibration;
import dev.fmnist.runtime.model.ModelFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Temperature scaling: the fit finds a known temperature, and a calibrated model answers at it everywhere. */
class TemperatureScalingTest {

    @TempDir
    Path dir;

    /** softmax(z / t) of one row of logits. */
    private static float[] softmax(double[] logits, double t) {
        double sum = 0;
        double[] e = new double[logits.length];
        for (int c = 0; c < logits.length; c++) {
            e[c] = Math.exp(logits[c] / t);
            sum += e[c];
        }
        float[] p = new float[logits.length];
        for (int c = 0; c < logits.length; c++) {
            p[c] = (float) (e[c] / sum);
        }
        return p;
    }

    @Test
    void aTemperatureTurnsSoftmaxProbabilitiesIntoThoseOfTheLogitsDividedByIt() {
        double[] logits = {2.5, -1, 0.3, 4};
        float[] at1 = softmax(logits, 1);
        assertThat(Temperature.apply(at1.clone(), 4, 2.5)).containsExactly(softmax(logits, 2.5), within(1e-6f));
        assertThat(Temperature.apply(at1.clone(), 4, 0.5)).containsExactly(softmax(logits, 0.5), within(1e-6f));
        assertThat(Temperature.apply(at1.clone(), 4, 1)).containsExactly(at1);
        assertThatThrownBy(() -> Temperature.apply(at1, 4, 0)).hasMessage("a temperature must be a positive number, "
                + "got 0.0");
    }

    @Test
    void theFitFindsTheTemperatureOfAnOverconfidentModelAndLowersItsLogLoss() {
        // the labels are drawn from softmax(z / 2), the model answers softmax(z): it is twice too sure
        Random random = new Random(7);
        int images = 20_000;
        int classes = 5;
        int[] labels = new int[images];
        float[] answered = new float[images * classes];
        for (int i = 0; i < images; i++) {
            double[] logits = new double[classes];
            for (int c = 0; c < classes; c++) {
                logits[c] = random.nextGaussian() * 4;
            }
            float[] truth = softmax(logits, 2);
            double draw = random.nextDouble();
            int label = classes - 1;
            for (int c = 0; c < classes; c++) {
                draw -= truth[c];
                if (draw < 0) {
                    label = c;
                    break;
                }
            }
            labels[i] = label;
            System.arraycopy(softmax(logits, 1), 0, answered, i * classes, classes);
        }
        // and a few hopeless images: the true class at probability 0, as a float softmax underflows to
        for (int i = 0; i < 100; i++) {
            labels[i] = 1;
            System.arraycopy(new float[] {1, 0, 0, 0, 0}, 0, answered, i * classes, classes);
        }
        Predictions raw = new Predictions(labels, answered, List.of("a", "b", "c", "d", "e"));
        Calibration fitted = TemperatureScaling.fit(raw);
        assertThat(fitted.temperature()).isCloseTo(2, within(0.1));
        assertThat(fitted.images()).isEqualTo(images);
        assertThat(fitted.logLossBefore()).isEqualTo(raw.logLoss());
        assertThat(fitted.logLossAfter()).isLessThan(fitted.logLossBefore() - 0.05);
        Predictions at = new Predictions(labels, Temperature.apply(answered.clone(), classes, fitted.temperature()),
                raw.classNames());
        assertThat(at.logLoss()).isCloseTo(fitted.logLossAfter(), within(1e-4));
    }

    @Test
    @Tag("dataset")
    void aCalibratedModelFileAnswersAtItsTemperatureUnlessAskedForTheRawProbabilities() throws IOException {
        Path file = dir.resolve("best.zip");
        Files.copy(dev.fmnist.runtime.run.RunDirectory.modelOf(TestModels.mlp()), file);
        LabelledImages images = RealDataset.get().dataset().testImages().subset(IntStream.range(0, 20).toArray());
        Predictions raw = Predictor.load(file).predictions(images);
        Calibration calibration = new Calibration(1.7, 6000, 0.4, 0.35);
        ModelFile.replaceManifest(file, ModelFile.manifest(file).withCalibration(calibration));

        assertThat(ModelFile.manifest(file).calibration()).isEqualTo(calibration);
        Predictor calibrated = Predictor.load(file);
        assertThat(calibrated.calibrated()).isTrue();
        assertThat(calibrated.predictions(images).probabilities())
                .containsExactly(Temperature.apply(raw.probabilities().clone(), 10, 1.7), within(1e-6f));
        assertThat(calibrated.withFlipAveraging(true).calibrated()).as("kept beside flips").isTrue();
        List<byte[]> bytes = IntStream.range(0, 5).mapToObj(i -> {
            byte[] pixels = new byte[784];
            images.pixelBuffer().get(i * 784, pixels);
            return pixels;
        }).toList();
        assertThat(calibrated.predictAndEmbed(bytes, 3).predictions()).as("with embeddings too")
                .isEqualTo(calibrated.predict(bytes, 3)).isNotEqualTo(calibrated.withCalibration(false).predict(bytes, 3));
        assertThat(calibrated.withCalibration(false).predictions(images).probabilities())
                .containsExactly(raw.probabilities(), within(1e-7f));

        ModelFile.replaceManifest(file, ModelFile.manifest(file).withCalibration(null));
        assertThat(Predictor.load(file).calibrated()).isFalse();
        assertThat(Predictor.load(file).predictions(images).probabilities()).containsExactly(raw.probabilities(),
                within(1e-7f));
    }
}
