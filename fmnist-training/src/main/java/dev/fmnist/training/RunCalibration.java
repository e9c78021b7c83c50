package dev.fmnist.training;

import dev.fmnist.api.data.DataSource;
import dev.fmnist.api.data.LabelledImages;
import dev.fmnist.models.plugins.ModelRegistry;
import dev.fmnist.runtime.model.Acceptance;
import dev.fmnist.runtime.model.Calibration;
import dev.fmnist.runtime.model.ModelFile;
import dev.fmnist.runtime.model.ModelManifest;
import dev.fmnist.runtime.model.SavedModel;
import dev.fmnist.runtime.predict.AcceptanceThreshold;
import dev.fmnist.runtime.predict.Predictor;
import dev.fmnist.runtime.predict.TemperatureScaling;
import dev.fmnist.runtime.run.Json;
import dev.fmnist.runtime.run.RunConfig;
import dev.fmnist.runtime.run.RunDirectory;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A run's model made to say how sure it is, on the run's own validation images: calibrated by temperature scaling
 * (a run does this when its training ends; {@code fmnist calibrate} for an earlier run, or to take it off), and given
 * the confidence from which its answers are accepted with no person looking ({@code fmnist threshold}). Both are
 * written into the model's manifest, so every caller of {@link Predictor} answers with them.
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

    /**
     * Fits the run's model ({@link RunDirectory#model()}) on the run's validation images, rebuilt from its config; a
     * threshold it has is chosen again for its target at the new temperature.
     */
    public Calibration calibrate(Path runDir) {
        return underLock(runDir, (model, validation) -> fit(model, validation.get(), registry));
    }

    /**
     * Takes the calibration off the run's model: it answers its network's raw probabilities again, and a threshold it
     * has is chosen again for them (the only case that needs the run's validation images).
     */
    public void remove(Path runDir) {
        underLock(runDir, (model, validation) -> {
            ModelFile.replaceManifest(model, ModelFile.manifest(model).withCalibration(null));
            if (ModelFile.manifest(model).acceptance() != null) {
                rechoose(model, validation.get(), registry);
            }
            return null;
        });
    }

    /**
     * Chooses and stores the threshold from which the run's model's answers are accepted: the one of most coverage
     * whose accepted validation answers reach {@code targetAccuracy}, with the probabilities the model answers
     * (calibrated when it is).
     *
     * @throws TrainingException when no threshold reaches it
     */
    public Acceptance threshold(Path runDir, double targetAccuracy) {
        if (!(targetAccuracy > 0 && targetAccuracy < 1)) {
            throw new TrainingException("a target accuracy of accepted answers is a share in (0, 1), such as 0.99; "
                    + "got " + targetAccuracy);
        }
        return underLock(runDir, (model, validation) -> choose(model, validation.get(), targetAccuracy, registry));
    }

    /** Takes the threshold off the run's model: its answers are no longer marked accepted or not. */
    public void removeThreshold(Path runDir) {
        underLock(runDir, (model, validation) -> {
            ModelFile.replaceManifest(model, ModelFile.manifest(model).withAcceptance(null));
            return null;
        });
    }

    /** {@code work} on the run's model, with its validation images when it asks for them, under the run's lock. */
    private <T> T underLock(Path runDir, BiFunction<Path, Supplier<LabelledImages>, T> work) {
        RunDirectory dir = new RunDirectory(runDir);
        ModelManifest.Imported imported = dir.hasModel() ? ModelFile.manifest(dir.model()).imported() : null;
        if (imported != null) {
            throw new TrainingException(runDir + " was imported from " + imported.file() + ", trained elsewhere: "
                    + "which images it learned from is unknown, so no validation images are held out for it to "
                    + "calibrate it or choose its threshold on");
        }
        if (!Files.isRegularFile(dir.config())) {
            throw new TrainingException(runDir + " is not a run folder (it has no config.json): a model is calibrated "
                    + "and given a threshold on the validation images of the run that trained it");
        }
        // taken: a training resumed into the folder meanwhile would have its model's manifest replaced by this one
        try (RunFolderLock ignored = RunFolderLock.take(dir)) {
            Path model = dir.model();
            return work.apply(model, () -> validationImages(dir, model));
        }
    }

    private LabelledImages validationImages(RunDirectory dir, Path model) {
        ModelManifest manifest = ModelFile.manifest(model);
        String trainedOn = manifest.data().trainImagesSha256();
        if (trainedOn != null && !trainedOn.isEmpty() && !trainedOn.equals(source.fingerprint())) {
            throw new TrainingException("the validation images of " + dir.path() + " are not in the configured data: "
                    + "it was trained on " + manifest.data().source() + ", but the configured data is "
                    + source.description() + "; give the --data it was trained on");
        }
        return RunSetup.splitOf(Json.read(dir.config(), RunConfig.class), source).validation();
    }

    /** The model's threshold chosen again for its target at its manifest's temperature, or taken off with a warning. */
    private static void rechoose(Path model, LabelledImages validation, ModelRegistry registry) {
        Acceptance previous = ModelFile.manifest(model).acceptance();
        if (previous != null) {
            try {
                choose(model, validation, previous.targetAccuracy(), registry);
            } catch (TrainingException e) {
                ModelFile.replaceManifest(model, ModelFile.manifest(model).withAcceptance(null));
                log.warn("The acceptance threshold of {} was taken off: {}", model, e.getMessage());
            }
        }
    }

    private static Acceptance choose(Path model, LabelledImages validation, double targetAccuracy,
            ModelRegistry registry) {
        Predictor predictor = usable(model, validation, registry, "choose an acceptance threshold on");
        Optional<Acceptance> chosen = AcceptanceThreshold.choose(predictor.predictions(validation), targetAccuracy,
                predictor.manifest().answerTemperature());
        Acceptance acceptance = chosen.orElseThrow(() -> new TrainingException(String.format("no threshold makes "
                + "%s's accepted answers %s right on its %,d validation images: even its most confident answers "
                + "are wrong more often; ask for a lower accuracy", model, percent(targetAccuracy),
                validation.count())));
        ModelFile.replaceManifest(model, predictor.manifest().withAcceptance(acceptance));
        log.info(String.format("%s accepts answers from a top probability of %.4f: %s of the %,d validation images, "
                + "%s of them right (target %s)", model, acceptance.threshold(),
                percent(acceptance.validation().coverage()), validation.count(),
                percent(acceptance.validation().accuracy()), percent(targetAccuracy)));
        return acceptance;
    }

    /**
     * Fits {@code model} on {@code validation} and writes the temperature into its manifest; a threshold it has (a
     * resumed run's model that its training did not replace) is chosen again at that temperature.
     *
     * @throws TrainingException for an ensemble (its members may have held out other images) or no images
     */
    static Calibration fit(Path model, LabelledImages validation, ModelRegistry registry) {
        Predictor predictor = usable(model, validation, registry, "calibrate it on");
        Calibration calibration = TemperatureScaling.fit(predictor.withCalibration(false).predictions(validation));
        ModelFile.replaceManifest(model, predictor.manifest().withCalibration(calibration));
        rechoose(model, validation, registry);
        log.info(String.format("Calibrated %s: temperature %.3f, fitted on %,d validation images (their log loss %.4f "
                + "at temperature 1, %.4f at %.3f)", model, calibration.temperature(), calibration.images(),
                calibration.logLossBefore(), calibration.logLossAfter(), calibration.temperature()));
        return calibration;
    }

    /**
     * The model's predictor, as it answers.
     *
     * @throws TrainingException for an ensemble (its members may have held out other images) or no images
     */
    private static Predictor usable(Path model, LabelledImages validation, ModelRegistry registry, String purpose) {
        SavedModel saved = ModelFile.load(model, false, registry);
        ModelManifest manifest = saved.manifest();
        if (manifest.ensemble() != null) {
            throw new TrainingException(model + " is an ensemble: its members may have held out other validation "
                    + "images than its first member, so none is left to " + purpose);
        }
        if (validation.count() == 0) {
            throw new TrainingException(model + " was trained on every training image (--fit-all): no validation "
                    + "images are left to " + purpose);
        }
        return new Predictor(saved.network(), manifest);
    }

    private static String percent(double share) {
        return String.format("%.2f%%", share * 100);
    }
}
