package dev.fmnist.runtime.nativecpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.Supplier;
import java.util.stream.Stream;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer.PoolingType;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;

/**
 * Every layer configuration computes with helpers what DL4J's built-in path computes: the same network
 * (same seed, so the same weights) built with helpers (and {@link HelperFallback}) and without, on one
 * fixed batch, gives the same outputs in inference and training mode and the same gradients, within
 * float32 rounding of other summation orders: 1e-4 relative to the largest value compared. Configurations
 * whose helper misbehaves must have fallen back to the built-in path. (Local response normalization is not
 * here: DL4J M2.1 gives it no oneDNN helper.)
 */
class HelperParityTest {

    private static final double TOLERANCE = 1e-4;
    private static final boolean HELPER = true;
    private static final boolean FALLS_BACK = false;
    private static boolean wasEnabled;

    @BeforeAll
    static void remember() {
        wasEnabled = LayerHelpers.enabled();
    }

    @AfterAll
    static void restore() {
        LayerHelpers.enable(wasEnabled);
    }

    static Stream<Arguments> layers() {
        return Stream.of(
                nchw("conv 3x3, relu (cnn, deep-cnn)", HELPER, () -> conv(3).nOut(8).activation(Activation.RELU).build()),
                nchw("conv 3x3 same, stride 2", HELPER, () -> conv(3).stride(2, 2).nOut(8)
                        .convolutionMode(ConvolutionMode.Same).activation(Activation.TANH).build()),
                nchw("conv 3x3 stride 2", HELPER, () -> conv(3).stride(2, 2).nOut(4).build()),
                nchw("conv 3x3 padding 1", HELPER, () -> conv(3).padding(1, 1).nOut(4).build()),
                nchw("conv 5x5 without bias", HELPER, () -> conv(5).nOut(6).hasBias(false).build()),
                nchw("conv 1x1", HELPER, () -> conv(1).nOut(4).build()),
                nchw("conv 3x3 dilation 2", FALLS_BACK, () -> conv(3).dilation(2, 2).nOut(4).build()),
                nchw("conv 3x3 dilation 2, padding 1", FALLS_BACK, () -> conv(3).dilation(2, 2).padding(1, 1).nOut(4).build()),
                nhwc("conv 3x3 NHWC", FALLS_BACK, () -> conv(3).nOut(8).dataFormat(CNN2DFormat.NHWC).build()),
                nhwc("conv 3x3 NHWC same, stride 2", FALLS_BACK, () -> conv(3).nOut(8).stride(2, 2)
                        .convolutionMode(ConvolutionMode.Same).dataFormat(CNN2DFormat.NHWC).build()),
                nchw("max pooling 2x2 stride 2 (cnn, deep-cnn)", HELPER, () -> pool(PoolingType.MAX, 2, 2).build()),
                nchw("max pooling 3x3 stride 1, same", HELPER, () -> pool(PoolingType.MAX, 3, 1)
                        .convolutionMode(ConvolutionMode.Same).build()),
                nchw("max pooling 3x3 stride 2, padding 1", HELPER, () -> pool(PoolingType.MAX, 3, 2).padding(1, 1).build()),
                nchw("average pooling 2x2 stride 2", HELPER, () -> pool(PoolingType.AVG, 2, 2).build()),
                nchw("average pooling 3x3 stride 2, same", HELPER, () -> pool(PoolingType.AVG, 3, 2)
                        .convolutionMode(ConvolutionMode.Same).build()),
                nchw("average pooling 3x3 stride 2, padding 1", HELPER, () -> pool(PoolingType.AVG, 3, 2).padding(1, 1).build()),
                nhwc("max pooling NHWC", HELPER, () -> pool(PoolingType.MAX, 2, 2).dataFormat(CNN2DFormat.NHWC).build()),
                nhwc("average pooling NHWC", HELPER, () -> pool(PoolingType.AVG, 2, 2).dataFormat(CNN2DFormat.NHWC).build()),
                nchw("batch normalization, convolutional (deep-cnn)", HELPER, () -> new BatchNormalization.Builder().build()),
                nhwc("batch normalization NHWC", HELPER, () -> new BatchNormalization.Builder().dataFormat(CNN2DFormat.NHWC).build()),
                Arguments.of("batch normalization, dense (deep-cnn)", HELPER, (Supplier<Layer>) () -> new BatchNormalization.Builder().build(), null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layers")
    void helperAndBuiltInAgree(String name, boolean keepsHelper, Supplier<Layer> layer, CNN2DFormat format) {
        MultiLayerNetwork withHelpers = network(true, layer.get(), format);
        HelperFallback.apply(withHelpers);
        MultiLayerNetwork builtIn = network(false, layer.get(), format);
        assertThat(LayerHelpers.activeIn(withHelpers)).as("oneDNN helpers in use").hasSize(keepsHelper ? 1 : 0);
        assertThat(LayerHelpers.activeIn(builtIn)).isEmpty();

        assertAgree(withHelpers, builtIn, format);
    }

    /** The day DL4J fixes the NHWC convolution helper, this fails: then drop that rule of {@link HelperFallback}. */
    @Test
    void nhwcConvolutionHelperStillComputesWrongGradients() {
        MultiLayerNetwork withHelper = network(true, conv(3).nOut(8).dataFormat(CNN2DFormat.NHWC).build(), CNN2DFormat.NHWC);
        MultiLayerNetwork builtIn = network(false, conv(3).nOut(8).dataFormat(CNN2DFormat.NHWC).build(), CNN2DFormat.NHWC);
        INDArray input = input(CNN2DFormat.NHWC);
        assertThat(relativeDifference(gradients(withHelper, input), gradients(builtIn, input))).isGreaterThan(0.1);
    }

    /** Fine-tuning wraps frozen layers; the rules look through the wrapper to the layer that holds the helper. */
    @Test
    void aFrozenLayerIsJudgedByTheLayerItWraps() {
        MultiLayerNetwork frozen = new org.deeplearning4j.nn.transferlearning.TransferLearning.Builder(
                network(true, conv(3).nOut(8).dataFormat(CNN2DFormat.NHWC).build(), CNN2DFormat.NHWC))
                .setFeatureExtractor(0).build();
        assertThat(frozen.getLayer(0)).isInstanceOf(org.deeplearning4j.nn.layers.FrozenLayer.class);
        assertThat(LayerHelpers.activeIn(frozen)).hasSize(1);
        assertThat(HelperFallback.apply(frozen)).hasSize(1);
        assertThat(LayerHelpers.activeIn(frozen)).isEmpty();
    }

    static void assertAgree(MultiLayerNetwork withHelpers, MultiLayerNetwork builtIn, CNN2DFormat format) {
        INDArray input = input(format);
        assertClose("inference output", withHelpers.output(input, false), builtIn.output(input, false));
        assertClose("training-mode output", withHelpers.output(input, true), builtIn.output(input, true));
        assertClose("gradients", gradients(withHelpers, input), gradients(builtIn, input));
    }

    private static Arguments nchw(String name, boolean keepsHelper, Supplier<Layer> layer) {
        return Arguments.of(name, keepsHelper, layer, CNN2DFormat.NCHW);
    }

    private static Arguments nhwc(String name, boolean keepsHelper, Supplier<Layer> layer) {
        return Arguments.of(name, keepsHelper, layer, CNN2DFormat.NHWC);
    }

    private static ConvolutionLayer.Builder conv(int kernel) {
        return new ConvolutionLayer.Builder(kernel, kernel).activation(Activation.RELU);
    }

    private static SubsamplingLayer.Builder pool(PoolingType type, int kernel, int stride) {
        return new SubsamplingLayer.Builder(type).kernelSize(kernel, kernel).stride(stride, stride);
    }

    /** The layer under test on 12x12x3 images (a dense layer of 20 inputs when format is null), then softmax. */
    private static MultiLayerNetwork network(boolean helpers, Layer underTest, CNN2DFormat format) {
        LayerHelpers.enable(helpers);
        var builder = new NeuralNetConfiguration.Builder().seed(7).dataType(DataType.FLOAT).updater(new Sgd(0.1))
                .weightInit(WeightInit.XAVIER).list();
        if (format == null) {
            builder.layer(new DenseLayer.Builder().nOut(12).activation(Activation.TANH).build());
        }
        MultiLayerNetwork network = new MultiLayerNetwork(builder
                .layer(underTest)
                .layer(new OutputLayer.Builder().nOut(5).activation(Activation.SOFTMAX).build())
                .setInputType(format == null ? InputType.feedForward(20) : InputType.convolutional(12, 12, 3, format))
                .build());
        network.init();
        return network;
    }

    private static INDArray input(CNN2DFormat format) {
        Nd4j.getRandom().setSeed(11);
        long[] shape = format == null ? new long[] {16, 20}
                : format == CNN2DFormat.NHWC ? new long[] {16, 12, 12, 3} : new long[] {16, 3, 12, 12};
        return Nd4j.rand(DataType.FLOAT, shape).subi(0.5);
    }

    private static INDArray gradients(MultiLayerNetwork network, INDArray input) {
        INDArray labels = Nd4j.zeros(DataType.FLOAT, input.size(0), network.layerSize(network.getnLayers() - 1));
        for (int i = 0; i < input.size(0); i++) {
            labels.putScalar(i, i % labels.size(1), 1);
        }
        network.setInput(input);
        network.setLabels(labels);
        network.computeGradientAndScore();
        return network.getGradientsViewArray().dup();
    }

    private static double relativeDifference(INDArray actual, INDArray expected) {
        return actual.sub(expected).amaxNumber().doubleValue() / Math.max(1e-6, expected.amaxNumber().doubleValue());
    }

    private static void assertClose(String what, INDArray actual, INDArray expected) {
        assertThat(relativeDifference(actual, expected))
                .as("%s: largest difference relative to the largest value", what).isLessThan(TOLERANCE);
    }
}
