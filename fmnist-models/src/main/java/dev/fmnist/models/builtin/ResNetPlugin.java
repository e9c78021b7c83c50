package dev.fmnist.models.builtin;

import dev.fmnist.api.Hyperparameters;
import dev.fmnist.api.ImageShape;
import dev.fmnist.api.InputLayout;
import dev.fmnist.api.ModelPlugin;
import dev.fmnist.api.ModelSpec;
import dev.fmnist.api.Networks;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
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
 * The flagship: a pre-activation ResNet (He et al., "Identity Mappings in Deep Residual Networks", 2016) sized
 * for 28x28 images and two CPU cores. A 3x3 stem convolution, three stages of {@code blocks} residual blocks at
 * 28x28, 14x14 and 7x7 with {@code width}, 2x and 4x that many filters, batch normalization and ReLU before
 * every convolution, global average pooling and softmax. The first block of stages 2 and 3 halves the image
 * with a stride-2 convolution and its shortcut with a 1x1 stride-2 projection; every other shortcut is the
 * identity. With {@code blocks} = 3 and {@code width} = 16 it is the ResNet-20 of the paper's CIFAR experiments.
 */
public final class ResNetPlugin implements ModelPlugin {

    @Override
    public String id() {
        return "resnet";
    }

    @Override
    public String description() {
        return "Pre-activation ResNet: Conv 3x3 -> 3 stages x blocks x [BN-ReLU-Conv-BN-ReLU-Conv + skip] "
                + "(width, 2x, 4x filters; 28, 14, 7 px) -> GlobalAvgPool -> softmax";
    }

    @Override
    public InputLayout inputLayout() {
        return InputLayout.IMAGE;
    }

    @Override
    public Map<String, String> defaultHyperparameters() {
        return Map.ofEntries(Map.entry("blocks", "3"), Map.entry("width", "16"), Map.entry("dropout", "0"),
                Map.entry("learning-rate", "0.1"), Map.entry("optimizer", "nesterovs"), Map.entry("momentum", "0.9"),
                Map.entry("weight-decay", "0.001"), Map.entry("lr-schedule", "cosine"), Map.entry("lr-warmup", "1"),
                Map.entry("epochs", "27"), Map.entry("batch-size", "128"), Map.entry("augment", "crop:2,flip"),
                Map.entry("label-smoothing", "0.1"));
    }

    @Override
    public ComputationGraphConfiguration buildGraph(ModelSpec spec) {
        Hyperparameters h = spec.hyperparameters();
        int blocks = h.intInRange("blocks", 1, 64);
        int width = BuiltinLayers.width(h, "width");
        ImageShape shape = spec.inputShape();
        GraphBuilder graph = Networks.convolutionalBase(spec).graphBuilder()
                .addInputs("image")
                .setInputTypes(InputType.convolutional(shape.height(), shape.width(), shape.channels()))
                .addLayer("stem", conv(3, width, 1), "image");
        String previous = "stem";
        int channels = width;
        for (int stage = 1; stage <= 3; stage++) {
            int filters = width << (stage - 1);
            for (int block = 1; block <= blocks; block++) {
                int stride = stage > 1 && block == 1 ? 2 : 1;
                previous = block(graph, "s" + stage + "b" + block, previous, channels, filters, stride, h);
                channels = filters;
            }
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

    /** One pre-activation block; returns the name of its output (the sum of the shortcut and the residual). */
    private static String block(GraphBuilder graph, String name, String input, int channels, int filters, int stride,
            Hyperparameters h) {
        graph.addLayer(name + "-bn1", new BatchNormalization(), input)
                .addLayer(name + "-relu1", new ActivationLayer(Activation.RELU), name + "-bn1")
                .addLayer(name + "-conv1", conv(3, filters, stride), name + "-relu1")
                .addLayer(name + "-bn2", new BatchNormalization(), name + "-conv1")
                .addLayer(name + "-relu2", new ActivationLayer(Activation.RELU), name + "-bn2");
        String residual = name + "-relu2";
        if (h.fraction("dropout") > 0) {
            graph.addLayer(name + "-drop", Networks.dropoutLayer(h, "dropout"), residual);
            residual = name + "-drop";
        }
        graph.addLayer(name + "-conv2", conv(3, filters, 1), residual);
        String shortcut = input;
        if (stride != 1 || channels != filters) {
            // The projection reads the block's pre-activated input, as in the paper's implementation.
            shortcut = name + "-project";
            graph.addLayer(shortcut, conv(1, filters, stride), name + "-relu1");
        }
        graph.addVertex(name, new ElementWiseVertex(ElementWiseVertex.Op.Add), shortcut, name + "-conv2");
        return name;
    }

    /** A convolution without bias or activation: the batch normalization after it has both. */
    private static ConvolutionLayer conv(int kernel, int filters, int stride) {
        return new ConvolutionLayer.Builder(kernel, kernel).stride(stride, stride).nOut(filters)
                .activation(Activation.IDENTITY).hasBias(false).build();
    }
}
