package com.example.fmnist.lenet;

import dev.fmnist.api.InputLayout;
import dev.fmnist.api.ModelPlugin;
import dev.fmnist.api.ModelSpec;
import dev.fmnist.api.Optimizers;
import java.util.Map;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/** LeNet-5 (LeCun et al., 1998) with ReLU and max pooling: conv 6@5x5, pool, conv 16@5x5, pool, 120, 84, softmax. */
public final class LeNet5Plugin implements ModelPlugin {

    @Override
    public String id() {
        return "lenet5";
    }

    @Override
    public String description() {
        return "LeNet-5: Conv(6, 5x5) -> Pool -> Conv(16, 5x5) -> Pool -> Dense(120) -> Dense(84) -> softmax";
    }

    @Override
    public InputLayout inputLayout() {
        return InputLayout.IMAGE;
    }

    @Override
    public Map<String, String> defaultHyperparameters() {
        return Map.of("learning-rate", "0.001", "optimizer", "adam", "batch-size", "64");
    }

    @Override
    public MultiLayerConfiguration build(ModelSpec spec) {
        return new NeuralNetConfiguration.Builder()
                .seed(spec.seed())
                .updater(Optimizers.of(spec.hyperparameters()))
                .weightInit(WeightInit.RELU)
                .list()
                .layer(new ConvolutionLayer.Builder(5, 5).nOut(6).convolutionMode(ConvolutionMode.Same)
                        .activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(new ConvolutionLayer.Builder(5, 5).nOut(16).activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(new DenseLayer.Builder().nOut(120).activation(Activation.RELU).build())
                .layer(new DenseLayer.Builder().nOut(84).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunction.MCXENT).nOut(spec.numClasses())
                        .activation(Activation.SOFTMAX).weightInit(WeightInit.XAVIER).build())
                .setInputType(InputType.convolutional(spec.inputShape().height(), spec.inputShape().width(),
                        spec.inputShape().channels()))
                .build();
    }
}
