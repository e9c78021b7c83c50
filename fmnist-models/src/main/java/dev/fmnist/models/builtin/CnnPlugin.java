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
import org.deeplearning4j.nn.conf.dropout.IDropout;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/** The seed's basic CNN: Conv2D(32, 3x3, ReLU), MaxPooling 2x2, Dense(128, ReLU), softmax. */
public final class CnnPlugin implements ModelPlugin {

    @Override
    public String id() {
        return "cnn";
    }

    @Override
    public String description() {
        return "Basic CNN: Conv(32, 3x3, ReLU) -> MaxPool 2x2 -> Dense(128, ReLU) -> softmax";
    }

    @Override
    public InputLayout inputLayout() {
        return InputLayout.IMAGE;
    }

    @Override
    public Map<String, String> defaultHyperparameters() {
        return Map.of("learning-rate", "0.001", "lr-decay", "0.85", "optimizer", "adam", "batch-size", "64",
                "dropout", "0.3", "l2", "0", "filters", "32", "width", "128");
    }

    @Override
    public MultiLayerConfiguration build(ModelSpec spec) {
        Hyperparameters h = spec.hyperparameters();
        IDropout keep = Networks.dropout(h, "dropout");
        return new NeuralNetConfiguration.Builder()
                .seed(spec.seed())
                .updater(Optimizers.of(h))
                .weightInit(WeightInit.RELU)
                .l2(h.nonNegative("l2"))
                .list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(BuiltinLayers.width(h, "filters"))
                        .activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2)
                        .build())
                .layer(new DenseLayer.Builder().nOut(BuiltinLayers.width(h, "width")).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunction.MCXENT).nOut(spec.numClasses())
                        .activation(Activation.SOFTMAX).weightInit(WeightInit.XAVIER).dropOut(keep).build())
                .setInputType(InputType.convolutional(spec.inputShape().height(), spec.inputShape().width(),
                        spec.inputShape().channels()))
                .build();
    }
}
