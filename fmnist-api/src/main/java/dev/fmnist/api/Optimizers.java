package dev.fmnist.api;

import dev.fmnist.api.schedule.OneCycleSchedule;
import dev.fmnist.api.schedule.WarmupCosineSchedule;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.RmsProp;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.schedule.ExponentialSchedule;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.linalg.schedule.ScheduleType;
import org.nd4j.linalg.schedule.StepSchedule;

/**
 * The optimizer a plugin's network trains with, from the hyperparameters every built-in plugin uses, so a
 * plugin offers the same keys (and the same checks) by declaring them in its defaults:
 * <ul>
 *   <li>{@value #LEARNING_RATE}: positive, required: the rate, or a schedule's peak;</li>
 *   <li>{@value #OPTIMIZER}: {@code adam} (when absent), {@code sgd}, {@code nesterovs} (SGD with Nesterov
 *       momentum, {@value #MOMENTUM} or 0.9) or {@code rmsprop};</li>
 *   <li>{@value #LR_SCHEDULE}: {@code constant}; {@code exponential} (the rate times {@value #LR_DECAY} after
 *       every epoch: the default when {@value #LR_DECAY} is declared); {@code step} (times {@value #LR_DECAY}
 *       every {@value #LR_STEP} epochs); {@code cosine} (linear warm-up over {@value #LR_WARMUP} epochs, then
 *       cosine annealing to 0 at {@value #LR_EPOCHS}); {@code one-cycle} (over {@value #LR_EPOCHS}). Without
 *       {@value #LR_EPOCHS}, a schedule lasts the run's epoch limit when the plugin declares the platform's
 *       {@code epochs} key;</li>
 *   <li>{@value #WEIGHT_DECAY}: decoupled weight decay (Loshchilov and Hutter, "Decoupled Weight Decay
 *       Regularization", 2019), see {@link #weightDecay(Hyperparameters)}.</li>
 * </ul>
 * Schedules count epochs: each epoch trains at one rate.
 */
public final class Optimizers {

    public static final String LEARNING_RATE = "learning-rate";
    public static final String OPTIMIZER = "optimizer";
    public static final String MOMENTUM = "momentum";
    public static final String LR_SCHEDULE = "lr-schedule";
    public static final String LR_DECAY = "lr-decay";
    public static final String LR_STEP = "lr-step";
    public static final String LR_EPOCHS = "lr-epochs";
    public static final String LR_WARMUP = "lr-warmup";
    public static final String WEIGHT_DECAY = "weight-decay";

    private Optimizers() {}

    /** @throws IllegalArgumentException naming the key whose value is unusable */
    public static IUpdater of(Hyperparameters hyperparameters) {
        double rate = hyperparameters.positive(LEARNING_RATE);
        ISchedule schedule = schedule(hyperparameters, rate);
        String optimizer = hyperparameters.has(OPTIMIZER)
                ? hyperparameters.oneOf(OPTIMIZER, "adam", "sgd", "nesterovs", "rmsprop") : "adam";
        double momentum = hyperparameters.has(MOMENTUM) ? hyperparameters.fraction(MOMENTUM) : 0.9;
        if (schedule == null) {
            return switch (optimizer) {
                case "sgd" -> new Sgd(rate);
                case "nesterovs" -> new Nesterovs(rate, momentum);
                case "rmsprop" -> new RmsProp(rate);
                default -> new Adam(rate);
            };
        }
        return switch (optimizer) {
            case "sgd" -> new Sgd(schedule);
            case "nesterovs" -> new Nesterovs(schedule, momentum);
            case "rmsprop" -> new RmsProp(schedule);
            default -> new Adam(schedule);
        };
    }

    /** The learning-rate schedule the keys describe, or null for a constant rate. */
    static ISchedule schedule(Hyperparameters h, double rate) {
        String kind = h.has(LR_SCHEDULE)
                ? h.oneOf(LR_SCHEDULE, "constant", "exponential", "step", "cosine", "one-cycle")
                : h.has(LR_DECAY) ? "exponential" : "constant";
        return switch (kind) {
            case "exponential" -> {
                double decay = decay(h);
                yield decay == 1 ? null : new ExponentialSchedule(ScheduleType.EPOCH, rate, decay);
            }
            case "step" -> new StepSchedule(ScheduleType.EPOCH, rate, decay(h), h.intInRange(LR_STEP, 1, 10_000));
            case "cosine" -> {
                int epochs = scheduleEpochs(h, 1);
                // A run shorter than its warm-up (a one-epoch smoke run) anneals in its last epoch.
                int warmup = h.has(LR_WARMUP) ? Math.min(h.intInRange(LR_WARMUP, 0, 10_000), epochs - 1) : 0;
                yield new WarmupCosineSchedule(rate, 0, epochs, warmup);
            }
            case "one-cycle" -> new OneCycleSchedule(rate, scheduleEpochs(h, 2));
            default -> null;
        };
    }

    /** The schedule's length: {@value #LR_EPOCHS}, else the run's epoch limit when the plugin declares {@code epochs}. */
    private static int scheduleEpochs(Hyperparameters h, int min) {
        if (!h.has(LR_EPOCHS) && h.has("epochs")) {
            return h.intInRange("epochs", min, 100_000);
        }
        return h.intInRange(LR_EPOCHS, min, 100_000);
    }

    private static double decay(Hyperparameters h) {
        double decay = h.has(LR_DECAY) ? h.positive(LR_DECAY) : 1;
        if (decay > 1) {
            throw new IllegalArgumentException("hyperparameter '" + LR_DECAY + "' = " + decay + " must be in (0, 1]");
        }
        return decay;
    }

    /**
     * The coefficient for DL4J's {@code NeuralNetConfiguration.Builder.weightDecay(coefficient, true)}: after
     * each update, every weight shrinks by {@code learning rate * coefficient * weight}, apart from the
     * gradient and the optimizer's moments (unlike L2, which Adam rescales); 0 when the key is absent.
     */
    public static double weightDecay(Hyperparameters h) {
        return h.has(WEIGHT_DECAY) ? h.nonNegative(WEIGHT_DECAY) : 0;
    }
}
