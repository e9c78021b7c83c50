package dev.fmnist.training;

import dev.fmnist.api.Hyperparameters;
import dev.fmnist.api.Optimizers;
import dev.fmnist.data.augment.Augmentation;
import dev.fmnist.models.Distillation;
import dev.fmnist.models.ModelBuilder;
import dev.fmnist.models.WeightAveraging;
import dev.fmnist.runtime.run.RunConfig;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * How a run trains, resolved once from the flags, the model's hyperparameters and the configuration, and read from
 * here alone. The rule for the epochs and the augmentation: the flag ({@code --epochs}, {@code --augment}); else the
 * model's own hyperparameter ({@code epochs}, {@code augment}: a plugin's declared default, or {@code --set}); else
 * the configuration ({@code train.epochs}, {@code train.augment}). So a plugin that declares them overrides
 * {@code train.*}, and a flag overrides everything. The patience: the flag, else {@code train.patience}, but 0 for a
 * schedule that anneals to its end (below). The batch
 * size, label smoothing and weight averaging are hyperparameters ({@code batch-size}, default 64;
 * {@code label-smoothing}, default 0; {@code average}, default none), and so is distillation ({@code teacher},
 * recorded as an absolute path so that a resume from elsewhere finds it).
 * A fine-tuning run's model is its parent: its recorded hyperparameters play the plugin's part, and its augmentation
 * that of {@code train.augment}. A resumed run keeps what it started with, but for {@code --epochs} and
 * {@code --patience} given again (the other flags are ignored).
 *
 * @param hyperparameters the model's, with {@code epochs} and {@code augment} (where present) the values in force, as
 *                        the run records them
 * @param augmentation    of the training images only
 * @param averaging       the average of the weights the run keeps, validates and saves as its model
 * @param snapshots       how many snapshot members the run saves, one per cycle of a restarted cosine schedule; 0
 *                        for none
 * @param distillation    the teacher whose softened probabilities the labels are mixed with; empty for none
 */
public record TrainingPlan(Hyperparameters hyperparameters, int batchSize, double labelSmoothing,
        Augmentation augmentation, int epochs, int patience, WeightAveraging averaging, int snapshots,
        Optional<Distillation> distillation) {

    /** The most epochs a run may have, as the {@code epochs} hyperparameter allows. */
    public static final int MAX_EPOCHS = 100_000;

    public TrainingPlan {
        if (epochs < 1 || epochs > MAX_EPOCHS) {
            throw new TrainingException("epochs must be from 1 to " + MAX_EPOCHS + ", got " + epochs);
        }
        if (snapshots > 0 && epochs % snapshots != 0) {
            int fewer = epochs / snapshots * snapshots;
            throw new TrainingException("--snapshots " + snapshots + " needs epochs that it divides into equal cycles, "
                    + "and " + epochs + " is not: use --epochs " + (fewer >= snapshots ? fewer + " or " : "")
                    + (fewer + snapshots));
        }
        if (averaging.kind() == WeightAveraging.Kind.SWA && averaging.startIn(epochs) > epochs) {
            throw new TrainingException("average " + averaging + " starts after the run's last epoch (" + epochs
                    + "); start it at epoch " + epochs + " or earlier");
        }
    }

    /** A new run's plan; {@code hyperparameters}: the model's, already merged with {@code --set} and checked. */
    public static TrainingPlan of(Hyperparameters hyperparameters, TrainingRequest request, TrainingConfig config) {
        return of(hyperparameters, request, config, config.augmentation(), annealsToTheEnd(hyperparameters));
    }

    /** A fine-tuning run's plan: {@code hyperparameters} the parent's with {@code --set} applied. */
    public static TrainingPlan fineTuning(Hyperparameters hyperparameters, TrainingRequest request,
            TrainingConfig config, String parentAugmentation) {
        // its layers learn with Adam at a constant rate (Transfer), not the parent's schedule: early stopping applies
        return of(hyperparameters, request, config, parentAugmentation, false);
    }

    private static TrainingPlan of(Hyperparameters hyperparameters, TrainingRequest request, TrainingConfig config,
            String fallbackAugmentation, boolean annealsToTheEnd) {
        int epochs = request.epochs().orElseGet(() -> hyperparameters.has(ModelBuilder.EPOCHS)
                ? hyperparameters.intValue(ModelBuilder.EPOCHS) : config.epochs());
        String augment = request.augment().orElseGet(() -> hyperparameters.has(ModelBuilder.AUGMENT)
                ? hyperparameters.string(ModelBuilder.AUGMENT) : fallbackAugmentation);
        Augmentation augmentation = augmentation(augment);
        // SWA's start as an epoch: a run resumed with other --epochs keeps averaging the same epochs
        WeightAveraging averaging = averaging(hyperparameters).startingIn(epochs);
        Map<String, String> recorded = new TreeMap<>(hyperparameters.values());
        recorded.computeIfPresent(ModelBuilder.EPOCHS, (key, value) -> Integer.toString(epochs));
        recorded.computeIfPresent(ModelBuilder.AUGMENT, (key, value) -> augmentation.toString());
        recorded.computeIfPresent(ModelBuilder.AVERAGE, (key, value) -> averaging.toString());
        distillation(hyperparameters); // checked as given: an empty teacher is not the working folder
        recorded.computeIfPresent(Distillation.TEACHER,
                (key, value) -> Path.of(value.trim()).toAbsolutePath().normalize().toString());
        Hyperparameters resolved = Hyperparameters.of(recorded);
        int snapshots = snapshots(hyperparameters);
        if (snapshots > 0 && !averaging.isNone()) {
            throw new TrainingException("--snapshots and average=" + averaging + " do not go together: each member "
                    + "would average the weights across the restarts; use one or the other");
        }
        return new TrainingPlan(resolved, ModelBuilder.batchSize(hyperparameters),
                ModelBuilder.labelSmoothing(hyperparameters), augmentation, epochs,
                patience(request, config.patience(), request.fitAll(), snapshots, annealsToTheEnd),
                averaging, snapshots,
                distillation(resolved));
    }

    /**
     * The early-stopping patience: 0 (off) for a run without validation images, where nothing tells when to stop, and
     * for snapshot cycles, whose restarts raise the validation loss on purpose; a flag asking for more is refused.
     * Off too, unless the flag asks for it, when the schedule anneals to the run's last epoch: its best epochs are
     * the last ones, after a stretch at a high rate whose noisy validation would stop it (the resnet's 27-epoch run
     * of 2026-11-30 peaked at epoch 15 and again only at 20, so a patience of 4 would have ended it after epoch 19).
     */
    private static int patience(TrainingRequest request, int otherwise, boolean noValidation, int snapshots,
            boolean annealsToTheEnd) {
        int asked = request.patience().orElse(0);
        if (noValidation && asked > 0) {
            throw new TrainingException("--patience " + asked + " needs validation images, and this run holds none "
                    + "out (--fit-all): fix the epochs instead (an earlier run's best epoch)");
        }
        if (snapshots > 0 && asked > 0) {
            throw new TrainingException("--patience " + asked + " would stop a snapshot run at a restart: --snapshots "
                    + "trains its epochs");
        }
        return noValidation || snapshots > 0 ? 0 : request.patience().orElse(annealsToTheEnd ? 0 : otherwise);
    }

    /** A learning-rate schedule that brings the rate to 0 at the run's last epoch: cosine and one-cycle. */
    static boolean annealsToTheEnd(Hyperparameters hyperparameters) {
        String schedule = hyperparameters.has(Optimizers.LR_SCHEDULE)
                ? hyperparameters.string(Optimizers.LR_SCHEDULE).trim() : "";
        return schedule.equals("cosine") || schedule.equals("one-cycle");
    }

    /** A resumed run's plan: as it was recorded, with {@code --epochs} and {@code --patience} when given again. */
    public static TrainingPlan resumed(RunConfig saved, TrainingRequest request) {
        Hyperparameters hyperparameters = Hyperparameters.of(saved.hyperparameters());
        int snapshots = snapshots(hyperparameters);
        if (snapshots > 0 && request.epochs().isPresent() && request.epochs().getAsInt() != saved.epochs()) {
            throw new TrainingException("a run with --snapshots " + snapshots + " keeps its " + saved.epochs()
                    + " epochs (its cycles are saved with the network): resume it without --epochs");
        }
        return new TrainingPlan(hyperparameters, saved.batchSize(), ModelBuilder.labelSmoothing(hyperparameters),
                augmentation(saved.augmentation()), request.epochs().orElse(saved.epochs()),
                // the patience it started with (already 0 for a schedule that anneals to the end), unless given again
                patience(request, saved.patience(), saved.validationImages() == 0, snapshots, false),
                averaging(hyperparameters), snapshots, distillation(hyperparameters));
    }

    private static int snapshots(Hyperparameters hyperparameters) {
        try {
            return ModelBuilder.snapshots(hyperparameters);
        } catch (IllegalArgumentException e) {
            throw new TrainingException(e.getMessage(), e);
        }
    }

    private static Optional<Distillation> distillation(Hyperparameters hyperparameters) {
        try {
            return Distillation.of(hyperparameters);
        } catch (IllegalArgumentException e) {
            throw new TrainingException(e.getMessage(), e);
        }
    }

    private static WeightAveraging averaging(Hyperparameters hyperparameters) {
        try {
            return ModelBuilder.averaging(hyperparameters);
        } catch (IllegalArgumentException e) {
            throw new TrainingException(e.getMessage(), e);
        }
    }

    /** The canonical spec; a run recorded before augmentation existed had none. */
    private static Augmentation augmentation(String spec) {
        try {
            return Augmentation.parse(spec);
        } catch (IllegalArgumentException e) {
            throw new TrainingException("--augment " + spec + ": " + e.getMessage(), e);
        }
    }
}
