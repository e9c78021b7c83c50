package dev.fmnist.api;

import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.dropout.IDropout;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.weights.WeightInit;

/**
 * What the built-in plugins build their networks on, for a plugin to build on the same (since fmnist-api 0.3): the
 * base configuration of the convolutional recipes, and dropout as the platform's {@code dropout} keys mean it.
 */
public final class Networks {

    private Networks() {}

    /**
     * The base the convolutional built-ins start from: the spec's seed, the optimizer of {@link Optimizers} (its
     * learning-rate keys and schedules), He initialization for ReLU, 'same' padding, and decoupled weight decay when
     * the {@value Optimizers#WEIGHT_DECAY} key is set. Add {@code .list()} or {@code .graphBuilder()} and the layers.
     */
    public static NeuralNetConfiguration.Builder convolutionalBase(ModelSpec spec) {
        Hyperparameters h = spec.hyperparameters();
        NeuralNetConfiguration.Builder base = new NeuralNetConfiguration.Builder()
                .seed(spec.seed())
                .updater(Optimizers.of(h))
                .weightInit(WeightInit.RELU)
                .convolutionMode(ConvolutionMode.Same);
        double weightDecay = Optimizers.weightDecay(h);
        if (weightDecay > 0) {
            base.weightDecay(weightDecay, true);
        }
        return base;
    }

    /**
     * The dropout of a layer's input for the fraction under {@code key}, or null for none. DL4J's {@code dropOut(x)}
     * takes the probability to <em>keep</em> an activation; the platform's keys are the probability to drop it, as in
     * Keras. Give each layer its own: DL4J 1.0.0-M2.1 keeps a dropout's mask in this object, so one object given to
     * two layers loses a mask in backprop ("Dropout mask array is absent").
     */
    public static IDropout dropout(Hyperparameters hyperparameters, String key) {
        double drop = hyperparameters.fraction(key);
        return drop == 0 ? null : new Dropout(1 - drop);
    }

    /** A separate dropout layer for the fraction under {@code key}, with a {@code Dropout} object of its own. */
    public static DropoutLayer dropoutLayer(Hyperparameters hyperparameters, String key) {
        IDropout keep = dropout(hyperparameters, key);
        DropoutLayer.Builder builder = new DropoutLayer.Builder();
        if (keep != null) {
            builder.dropOut(keep);
        }
        return builder.build();
    }
}
