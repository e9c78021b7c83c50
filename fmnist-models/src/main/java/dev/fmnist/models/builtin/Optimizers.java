package dev.fmnist.models.builtin;

import dev.fmnist.api.Hyperparameters;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.dropout.IDropout;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.RmsProp;
import org.nd4j.linalg.learning.config.Sgd;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.nd4j.linalg.schedule.ExponentialSchedule;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.linalg.schedule.ScheduleType;

/** The optimizers the built-in plugins offer through the {@code optimizer} and {@code learning-rate} keys. */
final class Optimizers {

    private Optimizers() {}

    /**
     * The optimizer with its learning rate; when the plugin declares {@code lr-decay}, the rate is multiplied
     * by it after every epoch (1 keeps it constant).
     */
    static IUpdater of(Hyperparameters hyperparameters) {
        double rate = positive(hyperparameters, "learning-rate");
        double decay = hyperparameters.values().containsKey("lr-decay") ? positive(hyperparameters, "lr-decay") : 1;
        if (decay > 1) {
            throw new IllegalArgumentException("hyperparameter 'lr-decay' = " + decay + " must be in (0, 1]");
        }
        ISchedule schedule = new ExponentialSchedule(ScheduleType.EPOCH, rate, decay);
        return switch (hyperparameters.string("optimizer")) {
            case "adam" -> decay < 1 ? new Adam(schedule) : new Adam(rate);
            case "sgd" -> decay < 1 ? new Sgd(schedule) : new Sgd(rate);
            case "nesterovs" -> decay < 1 ? new Nesterovs(schedule, 0.9) : new Nesterovs(rate, 0.9);
            case "rmsprop" -> decay < 1 ? new RmsProp(schedule) : new RmsProp(rate);
            default -> throw new IllegalArgumentException("hyperparameter 'optimizer' = '"
                    + hyperparameters.string("optimizer") + "' is not one of adam, sgd, nesterovs, rmsprop");
        };
    }

    static double positive(Hyperparameters hyperparameters, String key) {
        double value = hyperparameters.doubleValue(key);
        if (value <= 0) {
            throw new IllegalArgumentException("hyperparameter '" + key + "' = " + value + " must be positive");
        }
        return value;
    }

    static double nonNegative(Hyperparameters hyperparameters, String key) {
        double value = hyperparameters.doubleValue(key);
        if (value < 0) {
            throw new IllegalArgumentException("hyperparameter '" + key + "' = " + value + " must not be negative");
        }
        return value;
    }

    /**
     * DL4J's {@code dropOut(x)} takes the probability to <em>keep</em> an activation, applied to a layer's
     * input; our {@code dropout} key is the probability to drop it, as in Keras.
     */
    static IDropout dropout(Hyperparameters hyperparameters, String key) {
        double drop = hyperparameters.doubleValue(key);
        if (drop < 0 || drop >= 1) {
            throw new IllegalArgumentException("hyperparameter '" + key + "' = " + drop + " must be in [0, 1)");
        }
        return drop == 0 ? null : new Dropout(1 - drop);
    }

    /**
     * A separate dropout layer: a layer's own {@code dropOut()} after a pooling layer loses its mask in DL4J
     * 1.0.0-M2.1's backprop ("Dropout mask array is absent"); a {@link DropoutLayer} does not.
     */
    static DropoutLayer dropoutLayer(Hyperparameters hyperparameters, String key) {
        IDropout keep = dropout(hyperparameters, key);
        DropoutLayer.Builder builder = new DropoutLayer.Builder();
        if (keep != null) {
            builder.dropOut(keep);
        }
        return builder.build();
    }

    static int width(Hyperparameters hyperparameters, String key) {
        int width = hyperparameters.intValue(key);
        if (width < 1 || width > 8192) {
            throw new IllegalArgumentException("hyperparameter '" + key + "' = " + width + " must be in 1..8192");
        }
        return width;
    }
}
