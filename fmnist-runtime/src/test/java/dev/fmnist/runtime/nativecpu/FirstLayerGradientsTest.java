package dev.fmnist.runtime.nativecpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.Supplier;
import java.util.stream.Stream;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNConvHelper;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/**
 * The first layer's weights-only helper gives the gradients oneDNN's helper gives, for every parameter of the
 * network, within float32 rounding (1e-5 of the largest value); a training step with it moves the weights as
 * oneDNN's does; and it goes only where nothing needs the input gradient.
 */
@ExtendWith(HelpersOn.class)
class FirstLayerGradientsTest {

    static Stream<Arguments> firstLayers() {
        return Stream.of(
                Arguments.of("conv 3x3, 1 channel, relu (the cnn's)", 1,
                        (Supplier<ConvolutionLayer>) () -> conv(3).nOut(8).activation(Activation.RELU).build()),
                Arguments.of("conv 3x3 same, stride 2, 3 channels", 3,
                        (Supplier<ConvolutionLayer>) () -> conv(3).nOut(6).stride(2, 2)
                                .convolutionMode(ConvolutionMode.Same).activation(Activation.TANH).build()),
                Arguments.of("conv 5x5 padding 2, without bias", 2,
                        (Supplier<ConvolutionLayer>) () -> conv(5).nOut(4).padding(2, 2).hasBias(false).build()),
                Arguments.of("conv 3x3 stride 2, padding 1, 1 channel", 1,
                        (Supplier<ConvolutionLayer>) () -> conv(3).nOut(5).stride(2, 2).padding(1, 1).build()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("firstLayers")
    void theGradientsAreOneDnnsAndSoIsAStep(String name, int channels, Supplier<ConvolutionLayer> first) {
        INDArray features = Nd4j.rand(DataType.FLOAT, 16, channels, 12, 12);
        INDArray labels = Nd4j.zeros(DataType.FLOAT, 16, 3);
        for (int i = 0; i < 16; i++) {
            labels.putScalar(i, i % 3, 1);
        }
        MultiLayerNetwork oneDnn = network(first.get(), channels);
        MultiLayerNetwork skipping = network(first.get(), channels);
        assertThat(oneDnn.getLayer(0).getHelper()).isInstanceOf(MKLDNNConvHelper.class);
        Runnable restore = FirstLayerGradients.skipInputGradient(skipping);
        assertThat(skipping.getLayer(0).getHelper()).isInstanceOf(FirstLayerGradients.WeightGradientsOnly.class);

        INDArray expected = gradient(oneDnn, features, labels);
        INDArray actual = gradient(skipping, features, labels);
        assertClose(actual, expected);

        oneDnn.fit(features, labels);
        skipping.fit(features, labels);
        assertClose(skipping.params(), oneDnn.params());
        assertThat(((FirstLayerGradients.WeightGradientsOnly) skipping.getLayer(0).getHelper()).backprops())
                .as("the gradients came from the helper, not DL4J's fallback after a failure").isEqualTo(2);

        restore.run();
        assertThat(skipping.getLayer(0).getHelper()).isInstanceOf(MKLDNNConvHelper.class);
    }

    @Test
    void itIsNotInstalledWhereTheInputGradientIsNeededOrThereIsNoOneDnnConvolution() {
        MultiLayerNetwork flatInput = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(3).list()
                .layer(conv(3).nOut(4).build())
                .layer(new OutputLayer.Builder().nOut(3).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutionalFlat(8, 8, 1)).build());
        flatInput.init();
        MultiLayerNetwork dropout = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(3).list()
                .layer(conv(3).nOut(4).dropOut(0.8).build())
                .layer(new OutputLayer.Builder().nOut(3).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(8, 8, 1)).build());
        dropout.init();
        MultiLayerNetwork dense = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(3).list()
                .layer(new DenseLayer.Builder().nOut(4).build())
                .layer(new OutputLayer.Builder().nOut(3).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.feedForward(8)).build());
        dense.init();
        for (MultiLayerNetwork network : new MultiLayerNetwork[] {flatInput, dropout, dense}) {
            Object before = network.getLayer(0).getHelper();
            FirstLayerGradients.skipInputGradient(network).run();
            FirstLayerGradients.skipInputGradient(network);
            assertThat(network.getLayer(0).getHelper()).isSameAs(before);
        }
    }

    private static MultiLayerNetwork network(ConvolutionLayer first, int channels) {
        MultiLayerNetwork network = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(11)
                .updater(new Adam(0.01)).dataType(DataType.FLOAT).list()
                .layer(first)
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2)
                        .build())
                .layer(new DenseLayer.Builder().nOut(10).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder().nOut(3).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(12, 12, channels)).build());
        network.init();
        return network;
    }

    private static INDArray gradient(MultiLayerNetwork network, INDArray features, INDArray labels) {
        network.setInput(features);
        network.setLabels(labels);
        network.computeGradientAndScore();
        return network.getFlattenedGradients().dup();
    }

    private static void assertClose(INDArray actual, INDArray expected) {
        double scale = Math.max(1e-12, expected.amaxNumber().doubleValue());
        double difference = actual.sub(expected).amaxNumber().doubleValue();
        assertThat(difference / scale).as("largest difference, relative to the largest value").isLessThan(1e-5);
    }

    private static ConvolutionLayer.Builder conv(int kernel) {
        return new ConvolutionLayer.Builder(kernel, kernel);
    }
}
