package dev.fmnist.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.fmnist.data.RealDataset;
import dev.fmnist.models.plugins.ModelRegistry;
import dev.fmnist.runtime.model.Calibration;
import dev.fmnist.runtime.model.ModelFile;
import dev.fmnist.runtime.predict.Predictor;
import dev.fmnist.runtime.run.RunDirectory;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run's model is calibrated on its validation images when its training ends. */
@Tag("dataset")
class CalibrationTrainingTest {

    @TempDir
    Path runs;

    @Test
    void aRunEndsWithItsModelCalibratedOnItsValidationImagesWhichLowersTheirLogLoss() {
        Path dir = runs.resolve("mlp");
        Engines.engine(runs).train(TrainingRequest.of("mlp").withLimit(3000).withEpochs(3).withRunDir(dir));
        Calibration calibration = ModelFile.manifest(new RunDirectory(dir).bestModel()).calibration();
        assertThat(calibration).isNotNull();
        assertThat(calibration.images()).isEqualTo(333);
        assertThat(calibration.logLossAfter()).isLessThan(calibration.logLossBefore());
        assertThat(Predictor.load(dir).calibrated()).isTrue();

        RunCalibration again = new RunCalibration(new ModelRegistry(Optional.empty()), RealDataset.get());
        again.remove(dir);
        assertThat(ModelFile.manifest(new RunDirectory(dir).bestModel()).calibration()).isNull();
        assertThat(again.calibrate(dir).temperature()).as("the same images, the same fit")
                .isCloseTo(calibration.temperature(), within(1e-6));

        // a resume trains on, and its model is calibrated anew when it ends: the fit of the model it ends with
        again.remove(dir);
        Engines.engine(runs).train(TrainingRequest.of("ignored").resuming(dir).withEpochs(4));
        Calibration resumed = ModelFile.manifest(new RunDirectory(dir).bestModel()).calibration();
        assertThat(resumed).isNotNull();
        assertThat(resumed.temperature()).isCloseTo(again.calibrate(dir).temperature(), within(1e-6));
    }

    @Test
    void aRunThatHeldNoImagesOutIsNotCalibratedAndSaysWhyWhenAsked() {
        Path dir = runs.resolve("all");
        Engines.engine(runs).train(TrainingRequest.of("mlp").withLimit(640).withEpochs(1).fittingAll().withRunDir(dir));
        assertThat(ModelFile.manifest(new RunDirectory(dir).model()).calibration()).isNull();
        assertThatThrownBy(() -> new RunCalibration(new ModelRegistry(Optional.empty()), RealDataset.get())
                .calibrate(dir)).isInstanceOf(TrainingException.class)
                .hasMessageEndingWith("was trained on every training image (--fit-all): no validation images are "
                        + "left to calibrate it on");
    }
}
