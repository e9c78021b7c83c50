package dev.fmnist.api;

import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.RmsProp;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.schedule.ExponentialSchedule;
import org.nd4j.linalg.schedule.ScheduleType;

/**
 * The optimizer a plugin's network trains with, from the hyperparameters every built-in plugin uses, so a
 * plugin offers the same keys (and the same checks) by declaring them in its defaults:
 * <ul>
 *   <li>{@value #LEARNING_RATE}: positive, required;</li>
 *   <li>{@value #OPTIMIZER}: {@code adam} (when absent), {@code sgd}, {@code nesterovs} (momentum 0.9) or
 *       {@code rmsprop};</li>
 *   <li>{@value #LR_DECAY}: in (0, 1], the rate's factor after every epoch; 1 (when absent) keeps it constant.</li>
 * </ul>
 */
public final class Optimizers {

    public static final String LEARNING_RATE = "learning-rate";
    public static final String OPTIMIZER = "optimizer";
    public static final String LR_DECAY = "lr-decay";

    private Optimizers() {}

    /** @throws IllegalArgumentException naming the key whose value is unusable */
    public static IUpdater of(Hyperparameters hyperparameters) {
        double rate = hyperparameters.positive(LEARNING_RATE);
        double decay = hyperparameters.has(LR_DECAY) ? hyperparameters.positive(LR_DECAY) : 1;
        if (decay > 1) {
            throw new IllegalArgumentException("hyperparameter '" + LR_DECAY + "' = " + decay + " must be in (0, 1]");
        }
        String optimizer = hyperparameters.has(OPTIMIZER)
                ? hyperparameters.oneOf(OPTIMIZER, "adam", "sgd", "nesterovs", "rmsprop") : "adam";
        if (decay == 1) {
            return switch (optimizer) {
                case "sgd" -> new Sgd(rate);
                case "nesterovs" -> new Nesterovs(rate, 0.9);
                case "rmsprop" -> new RmsProp(rate);
                default -> new Adam(rate);
            };
        }
        ExponentialSchedule schedule = new ExponentialSchedule(ScheduleType.EPOCH, rate, decay);
        return switch (optimizer) {
            case "sgd" -> new Sgd(schedule);
            case "nesterovs" -> new Nesterovs(schedule, 0.9);
            case "rmsprop" -> new RmsProp(schedule);
            default -> new Adam(schedule);
        };
    }
}
