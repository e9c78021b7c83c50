package dev.fmnist.training;

import dev.fmnist.api.data.DataSource;
import dev.fmnist.api.data.LabelledImages;
import dev.fmnist.models.plugins.ModelRegistry;
import dev.fmnist.runtime.model.Calibration;
import dev.fmnist.runtime.model.ModelFile;
import dev.fmnist.runtime.model.ModelManifest;
import dev.fmnist.runtime.model.SavedModel;
import dev.fmnist.runtime.predict.Predictor;
import dev.fmnist.runtime.predict.TemperatureScaling;
import dev.fmnist.runtime.run.Json;
import dev.fmnist.runtime.run.RunConfig;
import dev.fmnist.runtime.run.RunDirectory;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A run's model calibrated by temperature scaling on the run's own validation images, the temperature written into
 * its manifest so that every caller of {@link Predictor} answers with it. A run does this when its training ends;
 * {@code fmnist calibrate} does it for an earlier run, or takes it off.
 */
public final class RunCalibration {

    private static final Logger log = LoggerFactory.getLogger(RunCalibration.class);

    private final ModelRegistry registry;
    private final DataSource source;

    @Inject
    public RunCalibration(ModelRegistry registry, DataSource source) {
        this.registry = registry;
        this.source = source;
    }

    /** Fits the run's model ({@link RunDirectory#model()}) on the run's validation images, rebuilt from its config. */
    public Calibration calibrate(Path runDir) {
        RunDirectory dir = new RunDirectory(runDir);
        if (!Files.isRegularFile(dir.config())) {
            throw new TrainingException(runDir + " is not a run folder (it has no config.json): a model is calibrated "
                    + "on the validation images of the run that trained it");
        }
        // taken: a training resumed into the folder meanwhile would have its model's manifest replaced by this one
        try (RunFolderLock ignored = RunFolderLock.take(dir)) {
            RunConfig run = Json.read(dir.config(), RunConfig.class);
            Path model = dir.model();
            String trainedOn = ModelFile.manifest(model).data().trainImagesSha256();
            if (trainedOn != null && !trainedOn.isEmpty() && !trainedOn.equals(source.fingerprint())) {
                throw new TrainingException("cannot calibrate " + runDir + ": it was trained on "
                        + ModelFile.manifest(model).data().source() + ", but the configured data is "
                        + source.description() + "; give the --data it was trained on");
            }
            return fit(model, RunSetup.splitOf(run, source).validation(), registry);
        }
    }

    /** Takes the calibration off the run's model: it answers its network's raw probabilities again. */
    public void remove(Path runDir) {
        RunDirectory dir = new RunDirectory(runDir);
        try (RunFolderLock ignored = RunFolderLock.take(dir)) {
            Path model = dir.model();
            ModelFile.replaceManifest(model, ModelFile.manifest(model).withCalibration(null));
        }
    }

    /**
     * Fits {@code model} on {@code validation} and writes the temperature into its manifest.
     *
     * @throws TrainingException for an ensemble (its members may have held out other images) or no images
     */
    static Calibration fit(Path model, LabelledImages validation, ModelRegistry registry) {
        SavedModel saved = ModelFile.load(model, false, registry);
        ModelManifest manifest = saved.manifest();
        if (manifest.ensemble() != null) {
            throw new TrainingException(model + " is an ensemble: its members may have held out other validation "
                    + "images than its first member, so none is left to calibrate it on");
        }
        if (validation.count() == 0) {
            throw new TrainingException(model + " was trained on every training image (--fit-all): no validation "
                    + "images are left to calibrate it on");
        }
        Calibration calibration = TemperatureScaling.fit(new Predictor(saved.network(), manifest)
                .withCalibration(false).predictions(validation));
        ModelFile.replaceManifest(model, manifest.withCalibration(calibration));
        log.info(String.format("Calibrated %s: temperature %.3f, fitted on %,d validation images (their log loss %.4f "
                + "at temperature 1, %.4f at %.3f)", model, calibration.temperature(), calibration.images(),
                calibration.logLossBefore(), calibration.logLossAfter(), calibration.temperature()));
        return calibration;
    }
}
