package dev.fmnist.models.builtin;

import dev.fmnist.api.Hyperparameters;
import dev.fmnist.api.InputLayout;
import dev.fmnist.api.ModelPlugin;
import dev.fmnist.api.ModelSpec;
import dev.fmnist.api.Networks;
import dev.fmnist.api.Optimizers;
import java.util.Map;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * The seed's basic ANN: Flatten, Dense(128, ReLU), Dense(64, ReLU), Dense(10, softmax): 109,386 parameters. A
 * {@code dropout} above 0 is Keras' {@code Dropout(rate)} after each hidden layer, as separate layers,
 * each with its own {@code Dropout} object: DL4J 1.0.0-M2.1 keeps the mask in that object, and the mlp once gave one
 * object to two layers' {@code dropOut()}, so the second backprop found the mask cleared ("Dropout mask array is
 * absent") in the first batch.
 */
public final class MlpPlugin implements ModelPlugin {

    @Override
    public String id() {
        return "mlp";
    }

    @Override
    public String description() {
        return "Basic ANN: 784 -> Dense(128, ReLU) -> Dense(64, ReLU) -> softmax";
    }

    @Override
    public InputLayout inputLayout() {
        return InputLayout.FLAT;
    }

    @Override
    public Map<String, String> defaultHyperparameters() {
        return Map.of("learning-rate", "0.001", "lr-decay", "0.9", "optimizer", "adam", "batch-size", "64",
                "dropout", "0", "l2", "0", "width", "128");
    }

    @Override
    public MultiLayerConfiguration build(ModelSpec spec) {
        Hyperparameters h = spec.hyperparameters();
        int width = BuiltinLayers.width(h, "width");
        // without dropout, the seed's three dense layers and nothing else, as its Keras model has
        boolean dropout = h.fraction("dropout") > 0;
        NeuralNetConfiguration.ListBuilder layers = new NeuralNetConfiguration.Builder()
                .seed(spec.seed())
                .updater(Optimizers.of(h))
                .weightInit(WeightInit.RELU)
                .l2(h.nonNegative("l2"))
                .list()
                .layer(new DenseLayer.Builder().nOut(width).activation(Activation.RELU).build());
        if (dropout) {
            layers.layer(Networks.dropoutLayer(h, "dropout"));
        }
        layers.layer(new DenseLayer.Builder().nOut(width / 2).activation(Activation.RELU).build());
        if (dropout) {
            layers.layer(Networks.dropoutLayer(h, "dropout"));
        }
        return layers.layer(new OutputLayer.Builder(LossFunction.MCXENT).nOut(spec.numClasses())
                        .activation(Activation.SOFTMAX).weightInit(WeightInit.XAVIER).build())
                .setInputType(InputType.feedForward(spec.inputShape().pixels()))
                .build();
    }
}
