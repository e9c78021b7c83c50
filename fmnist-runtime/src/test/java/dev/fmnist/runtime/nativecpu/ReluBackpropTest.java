package dev.fmnist.runtime.nativecpu;

import static org.assertj.core.api.Assertions.assertThat;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/** The stand-in ReLU gives DL4J's gradients exactly, swaps only plain ReLUs, and leaves DL4J's in place when off. */
class ReluBackpropTest {

    private static final INDArray FEATURES = Nd4j.rand(DataType.FLOAT, 16, 2, 10, 10).subi(0.5);
    private static final INDArray LABELS = Nd4j.eye(4).repeat(0, 4).castTo(DataType.FLOAT);

    @Test
    void aLayerStacksGradientsAndStepAreDl4jsAndOnlyPlainReluIsSwapped() {
        MultiLayerNetwork dl4j = stack();
        MultiLayerNetwork swapped = stack();
        ReluBackprop relu = ReluBackprop.of(swapped);
        assertThat(relu.count()).as("conv, activation layer, dense: not the capped one").isEqualTo(3);

        relu.on();
        assertThat(swapped.getLayer(0).conf().getLayer()).extracting("activationFn")
                .isInstanceOf(ReluBackprop.StepRelu.class);
        assertThat(gradient(swapped)).isEqualTo(gradient(dl4j));
        swapped.fit(FEATURES, LABELS);
        dl4j.fit(FEATURES, LABELS);
        assertThat(swapped.params()).isEqualTo(dl4j.params());
        relu.off();

        assertThat(swapped.getLayerWiseConfigurations().toJson()).isEqualTo(dl4j.getLayerWiseConfigurations().toJson())
                .doesNotContain("StepRelu");
    }

    @Test
    void aGraphsGradientsAreDl4js() {
        ComputationGraph dl4j = graph();
        ComputationGraph swapped = graph();
        ReluBackprop relu = ReluBackprop.of(swapped);
        assertThat(relu.count()).isEqualTo(2);
        relu.on();
        dl4j.setInputs(FEATURES);
        dl4j.setLabels(LABELS);
        dl4j.computeGradientAndScore();
        swapped.setInputs(FEATURES);
        swapped.setLabels(LABELS);
        swapped.computeGradientAndScore();
        assertThat(swapped.getGradientsViewArray()).isEqualTo(dl4j.getGradientsViewArray());
        relu.off();
        assertThat(swapped.getConfiguration().toJson()).isEqualTo(dl4j.getConfiguration().toJson());
    }

    private static INDArray gradient(MultiLayerNetwork network) {
        network.setInput(FEATURES);
        network.setLabels(LABELS);
        network.computeGradientAndScore();
        return network.getFlattenedGradients().dup();
    }

    private static MultiLayerNetwork stack() {
        MultiLayerNetwork network = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(9)
                .updater(new Adam(0.01)).list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(6).activation(Activation.RELU).build())
                .layer(new BatchNormalization.Builder().build())
                .layer(new ActivationLayer.Builder().activation(Activation.RELU).build())
                .layer(new DenseLayer.Builder().nOut(12).activation(Activation.RELU).build())
                .layer(new DenseLayer.Builder().nOut(8).activation(new ActivationReLU(0.5, 0.0, 0.0)).build())
                .layer(new OutputLayer.Builder().nOut(4).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(10, 10, 2)).build());
        network.init();
        return network;
    }

    private static ComputationGraph graph() {
        ComputationGraph graph = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(9).graphBuilder()
                .addInputs("in")
                .addLayer("conv", new ConvolutionLayer.Builder(3, 3).nOut(6).activation(Activation.IDENTITY).build(), "in")
                .addLayer("relu", new ActivationLayer.Builder().activation(Activation.RELU).build(), "conv")
                .addLayer("dense", new DenseLayer.Builder().nOut(12).activation(Activation.RELU).build(), "relu")
                .addLayer("out", new OutputLayer.Builder().nOut(4).activation(Activation.SOFTMAX).build(), "dense")
                .setOutputs("out").setInputTypes(InputType.convolutional(10, 10, 2)).build());
        graph.init();
        return graph;
    }
}
