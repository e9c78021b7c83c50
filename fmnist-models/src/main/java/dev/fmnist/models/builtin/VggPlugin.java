package dev.fmnist.models.builtin;

import dev.fmnist.api.Hyperparameters;
import dev.fmnist.api.InputLayout;
import dev.fmnist.api.ModelPlugin;
import dev.fmnist.api.ModelSpec;
import dev.fmnist.api.Networks;
import dev.fmnist.api.Optimizers;
import java.util.Map;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration.ListBuilder;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * A VGG-style network: two blocks of two 3x3 convolutions (same padding, each batch-normalized) and max
 * pooling, then a batch-normalized dense layer. Four convolutions make it the heaviest built-in per image,
 * the one that gains most from the oneDNN helpers, and the reference network of {@code fmnist bench train}.
 */
public final class VggPlugin implements ModelPlugin {

    @Override
    public String id() {
        return "vgg";
    }

    @Override
    public String description() {
        return "VGG-style CNN: 2 x [Conv 3x3 -> BN -> Conv 3x3 -> BN -> MaxPool -> Dropout] -> Dense(256) -> BN -> Dropout -> softmax";
    }

    @Override
    public InputLayout inputLayout() {
        return InputLayout.IMAGE;
    }

    @Override
    public Map<String, String> defaultHyperparameters() {
        return Map.of("learning-rate", "0.002", "lr-decay", "0.85", "optimizer", "adam", "batch-size", "64",
                "dropout", "0.25", "dense-dropout", "0.5", "l2", "0.0001", "filters", "32", "width", "256");
    }

    @Override
    public MultiLayerConfiguration build(ModelSpec spec) {
        Hyperparameters h = spec.hyperparameters();
        int filters = BuiltinLayers.width(h, "filters");
        ListBuilder layers = new NeuralNetConfiguration.Builder()
                .seed(spec.seed())
                .updater(Optimizers.of(h))
                .weightInit(WeightInit.RELU)
                .l2(h.nonNegative("l2"))
                .convolutionMode(ConvolutionMode.Same)
                .list();
        BuiltinLayers.vggBlock(layers, filters, h);
        BuiltinLayers.vggBlock(layers, filters * 2, h);
        return layers
                .layer(new DenseLayer.Builder().nOut(BuiltinLayers.width(h, "width")).activation(Activation.RELU).build())
                .layer(new BatchNormalization.Builder().build())
                .layer(new OutputLayer.Builder(LossFunction.MCXENT).nOut(spec.numClasses()).activation(Activation.SOFTMAX)
                        .weightInit(WeightInit.XAVIER).dropOut(Networks.dropout(h, "dense-dropout")).build())
                .setInputType(InputType.convolutional(spec.inputShape().height(), spec.inputShape().width(),
                        spec.inputShape().channels()))
                .build();
    }
}
