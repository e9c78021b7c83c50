package com.example.fmnist.resnet;

import dev.fmnist.api.ImageShape;
import dev.fmnist.api.InputLayout;
import dev.fmnist.api.ModelPlugin;
import dev.fmnist.api.ModelSpec;
import dev.fmnist.api.Networks;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * A graph network through {@link #buildGraph} (fmnist-api 0.2): a stem convolution, then {@code blocks}
 * residual blocks whose input skips over two 3x3 convolutions and is added back, global average pooling and
 * softmax. Each block is two lines here; the platform trains, checkpoints, resumes, evaluates and serves it
 * like any layer stack.
 */
public final class MiniResNetPlugin implements ModelPlugin {

    @Override
    public String id() {
        return "mini-resnet";
    }

    @Override
    public String description() {
        return "Residual blocks: Conv(width) -> blocks x [BN-ReLU-Conv-BN-ReLU-Conv + skip] -> GlobalAvgPool -> softmax";
    }

    @Override
    public InputLayout inputLayout() {
        return InputLayout.IMAGE;
    }

    @Override
    public Map<String, String> defaultHyperparameters() {
        return Map.of("learning-rate", "0.003", "optimizer", "adam", "width", "16", "blocks", "2");
    }

    @Override
    public ComputationGraphConfiguration buildGraph(ModelSpec spec) {
        int width = spec.hyperparameters().intInRange("width", 1, 512);
        int blocks = spec.hyperparameters().intInRange("blocks", 1, 32);
        ImageShape shape = spec.inputShape();
        // the base the built-ins start from: seed, the optimizer keys, He initialization, 'same' padding (SPI 0.3)
        ComputationGraphConfiguration.GraphBuilder graph = Networks.convolutionalBase(spec)
                .graphBuilder()
                .addInputs("image")
                .setInputTypes(InputType.convolutional(shape.height(), shape.width(), shape.channels()))
                .addLayer("stem", conv(width), "image");
        String previous = "stem";
        for (int b = 1; b <= blocks; b++) {
            // Pre-activation (He et al., 2016): normalize and activate before each convolution, add the input unchanged.
            String block = "block" + b;
            graph.addLayer(block + "-bn1", new BatchNormalization(), previous)
                    .addLayer(block + "-relu1", new ActivationLayer(Activation.RELU), block + "-bn1")
                    .addLayer(block + "-conv1", conv(width), block + "-relu1")
                    .addLayer(block + "-bn2", new BatchNormalization(), block + "-conv1")
                    .addLayer(block + "-relu2", new ActivationLayer(Activation.RELU), block + "-bn2")
                    .addLayer(block + "-conv2", conv(width), block + "-relu2")
                    .addVertex(block, new ElementWiseVertex(ElementWiseVertex.Op.Add), previous, block + "-conv2");
            previous = block;
        }
        return graph
                .addLayer("bn", new BatchNormalization(), previous)
                .addLayer("relu", new ActivationLayer(Activation.RELU), "bn")
                .addLayer("pool", new GlobalPoolingLayer(PoolingType.AVG), "relu")
                .addLayer("output", new OutputLayer.Builder(LossFunction.MCXENT).nOut(spec.numClasses())
                        .activation(Activation.SOFTMAX).weightInit(WeightInit.XAVIER).build(), "pool")
                .setOutputs("output")
                .build();
    }

    private static ConvolutionLayer conv(int width) {
        return new ConvolutionLayer.Builder(3, 3).nOut(width).activation(Activation.IDENTITY).hasBias(false).build();
    }
}
