package dev.fmnist.models.builtin;

import dev.fmnist.api.Hyperparameters;
import dev.fmnist.api.ModelSpec;
import dev.fmnist.api.Optimizers;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.dropout.IDropout;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;

/**
 * What the built-in plugins share: dropout as Keras defines it, the dropout layer DL4J needs, a VGG block,
 * the base configuration of the convolutional recipes.
 */
final class BuiltinLayers {

    private BuiltinLayers() {}

    /**
     * DL4J's {@code dropOut(x)} takes the probability to <em>keep</em> an activation, applied to a layer's
     * input; our {@code dropout} key is the probability to drop it, as in Keras.
     */
    static IDropout dropout(Hyperparameters hyperparameters, String key) {
        double drop = hyperparameters.fraction(key);
        return drop == 0 ? null : new Dropout(1 - drop);
    }

    /**
     * A separate dropout layer with a {@code Dropout} object of its own. DL4J 1.0.0-M2.1 keeps a dropout's mask in
     * that object, so one object given to two layers loses a mask in backprop ("Dropout mask array is absent"):
     * never share the result of {@link #dropout} between layers.
     */
    static DropoutLayer dropoutLayer(Hyperparameters hyperparameters, String key) {
        IDropout keep = dropout(hyperparameters, key);
        DropoutLayer.Builder builder = new DropoutLayer.Builder();
        if (keep != null) {
            builder.dropOut(keep);
        }
        return builder.build();
    }

    /** A VGG block: two batch-normalized 3x3 ReLU convolutions, 2x2 max pooling, then the {@code dropout} layer. */
    static void vggBlock(NeuralNetConfiguration.ListBuilder layers, int filters, Hyperparameters hyperparameters) {
        for (int i = 0; i < 2; i++) {
            layers.layer(new ConvolutionLayer.Builder(3, 3).nOut(filters).activation(Activation.RELU).build())
                    .layer(new BatchNormalization.Builder().build());
        }
        layers.layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(dropoutLayer(hyperparameters, "dropout"));
    }

    /**
     * What the convolutional recipes share: the spec's seed, the optimizer of {@link Optimizers}, He
     * initialization for ReLU, 'same' padding, and decoupled weight decay when the key is set.
     */
    static NeuralNetConfiguration.Builder convolutionalBase(ModelSpec spec) {
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

    /** A layer's width or filter count. */
    static int width(Hyperparameters hyperparameters, String key) {
        return hyperparameters.intInRange(key, 1, 8192);
    }
}
