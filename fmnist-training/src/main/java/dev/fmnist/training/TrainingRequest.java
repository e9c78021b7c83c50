package dev.fmnist.training;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One training run as the user asked for it.
 *
 * @param modelId   the plugin id; ignored when resuming (the run's own model is used)
 * @param overrides hyperparameter overrides ({@code --set}, {@code --lr}, {@code --batch-size})
 * @param epochs    the epoch limit; empty for the configured default
 * @param patience  early-stopping patience; empty for the configured default
 * @param limit     use at most this many training images (validation shrinks in proportion); for quick runs
 * @param runDir    where the run goes; empty for a new folder {@code <runs folder>/<model>-<time>}
 * @param resume    a run folder whose {@code last.zip} to continue from
 * @param progress  draw a progress bar on the terminal
 * @param augment   the augmentation spec ({@code --augment}); empty for the model's own {@code augment}, else the
 *                  configured one ({@link TrainingPlan}); ignored when resuming
 * @param fineTune  start from a trained model instead of a plugin's fresh network ({@code fmnist finetune})
 * @param runsDir   the folder a new run folder goes in, without {@code runDir}; empty for {@code runs.dir}
 * @param fitAll    train on every training image, none held out for validation ({@code --fit-all}): the epochs are
 *                  fixed and every epoch's model is the run's; ignored when resuming (the run's own split is used)
 */
public record TrainingRequest(String modelId, Map<String, String> overrides, OptionalInt epochs, OptionalInt patience,
        OptionalInt limit, Optional<Path> runDir, Optional<Path> resume, boolean progress, Optional<String> augment,
        Optional<FineTuning> fineTune, Optional<Path> runsDir, boolean fitAll) {

    public TrainingRequest {
        requireNonNull(modelId, "modelId is null");
        overrides = Map.copyOf(overrides);
        requireNonNull(epochs, "epochs is null");
        requireNonNull(patience, "patience is null");
        requireNonNull(limit, "limit is null");
        requireNonNull(runDir, "runDir is null");
        requireNonNull(resume, "resume is null");
        requireNonNull(augment, "augment is null");
        requireNonNull(fineTune, "fineTune is null");
        requireNonNull(runsDir, "runsDir is null");
    }

    public TrainingRequest(String modelId, Map<String, String> overrides, OptionalInt epochs, OptionalInt patience,
            OptionalInt limit, Optional<Path> runDir, Optional<Path> resume, boolean progress, Optional<String> augment,
            Optional<FineTuning> fineTune) {
        this(modelId, overrides, epochs, patience, limit, runDir, resume, progress, augment, fineTune,
                Optional.empty(), false);
    }

    public TrainingRequest(String modelId, Map<String, String> overrides, OptionalInt epochs, OptionalInt patience,
            OptionalInt limit, Optional<Path> runDir, Optional<Path> resume, boolean progress) {
        this(modelId, overrides, epochs, patience, limit, runDir, resume, progress, Optional.empty(), Optional.empty());
    }

    /** A fresh run of {@code modelId} with every default. */
    public static TrainingRequest of(String modelId) {
        return new TrainingRequest(modelId, Map.of(), OptionalInt.empty(), OptionalInt.empty(), OptionalInt.empty(),
                Optional.empty(), Optional.empty(), false);
    }

    public TrainingRequest withEpochs(int value) {
        return new TrainingRequest(modelId, overrides, OptionalInt.of(value), patience, limit, runDir, resume,
                progress, augment, fineTune, runsDir, fitAll);
    }

    public TrainingRequest withLimit(int value) {
        return new TrainingRequest(modelId, overrides, epochs, patience, OptionalInt.of(value), runDir, resume,
                progress, augment, fineTune, runsDir, fitAll);
    }

    public TrainingRequest withPatience(int value) {
        return new TrainingRequest(modelId, overrides, epochs, OptionalInt.of(value), limit, runDir, resume, progress,
                augment, fineTune, runsDir, fitAll);
    }

    public TrainingRequest withRunDir(Path value) {
        return new TrainingRequest(modelId, overrides, epochs, patience, limit, Optional.of(value), resume, progress,
                augment, fineTune, runsDir, fitAll);
    }

    public TrainingRequest withOverrides(Map<String, String> value) {
        return new TrainingRequest(modelId, value, epochs, patience, limit, runDir, resume, progress, augment,
                fineTune, runsDir, fitAll);
    }

    public TrainingRequest withAugmentation(String spec) {
        return new TrainingRequest(modelId, overrides, epochs, patience, limit, runDir, resume, progress,
                Optional.of(spec), fineTune, runsDir, fitAll);
    }

    /** A fine-tuning run: the model of {@code value.parent()} adapted to the configured data. */
    public TrainingRequest fineTuning(FineTuning value) {
        return new TrainingRequest(modelId, overrides, epochs, patience, limit, runDir, resume, progress, augment,
                Optional.of(value), runsDir, fitAll);
    }

    /** A new run folder in {@code value} rather than in {@code runs.dir}. */
    public TrainingRequest inRunsDir(Path value) {
        return new TrainingRequest(modelId, overrides, epochs, patience, limit, runDir, resume, progress, augment,
                fineTune, Optional.of(value), fitAll);
    }

    /** Every training image trained on, none held out for validation. */
    public TrainingRequest fittingAll() {
        return new TrainingRequest(modelId, overrides, epochs, patience, limit, runDir, resume, progress, augment,
                fineTune, runsDir, true);
    }

    public TrainingRequest resuming(Path value) {
        return new TrainingRequest(modelId, overrides, epochs, patience, limit, runDir, Optional.of(value), progress,
                augment, fineTune, runsDir, fitAll);
    }
}
