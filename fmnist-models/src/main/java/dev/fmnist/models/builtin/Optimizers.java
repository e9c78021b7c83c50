package dev.fmnist.models.builtin;

import dev.fmnist.api.Hyperparameters;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.dropout.IDropout;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.RmsProp;
import org.nd4j.linalg.learning.config.Sgd;

/** The optimizers the built-in plugins offer through the {@code optimizer} and {@code learning-rate} keys. */
final class Optimizers {

    private Optimizers() {}

    static IUpdater of(Hyperparameters hyperparameters) {
        double rate = positive(hyperparameters, "learning-rate");
        return switch (hyperparameters.string("optimizer")) {
            case "adam" -> new Adam(rate);
            case "sgd" -> new Sgd(rate);
            case "nesterovs" -> new Nesterovs(rate, 0.9);
            case "rmsprop" -> new RmsProp(rate);
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

    static int width(Hyperparameters hyperparameters, String key) {
        int width = hyperparameters.intValue(key);
        if (width < 1 || width > 8192) {
            throw new IllegalArgumentException("hyperparameter '" + key + "' = " + width + " must be in 1..8192");
        }
        return width;
    }
}
