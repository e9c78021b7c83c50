package dev.fmnist.models.builtin;

import dev.fmnist.api.Hyperparameters;
import dev.fmnist.api.Networks;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.nd4j.linalg.activations.Activation;

/**
 * What the built-in plugins share beyond the SPI's {@link Networks} (dropout, the convolutional base): a VGG block
 * and the width check.
 */
final class BuiltinLayers {

    private BuiltinLayers() {}

    /** A VGG block: two batch-normalized 3x3 ReLU convolutions, 2x2 max pooling, then the {@code dropout} layer. */
    static void vggBlock(NeuralNetConfiguration.ListBuilder layers, int filters, Hyperparameters hyperparameters) {
        for (int i = 0; i < 2; i++) {
            layers.layer(new ConvolutionLayer.Builder(3, 3).nOut(filters).activation(Activation.RELU).build())
                    .layer(new BatchNormalization.Builder().build());
        }
        layers.layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(Networks.dropoutLayer(hyperparameters, "dropout"));
    }

    /** A layer's width or filter count. */
    static int width(Hyperparameters hyperparameters, String key) {
        return hyperparameters.intInRange(key, 1, 8192);
    }
}
