package dev.fmnist.runtime.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fmnist.runtime.nativecpu.LayerHelpers;
import java.lang.reflect.Field;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.AbstractLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/**
 * {@link Network#keepForwardForBackprop}: the backward pass of a oneDNN convolution uses the forward pass's
 * pre-activation instead of computing it again, and trains to the same parameters, even with inference in between.
 */
class KeepForwardForBackpropTest {

    private static Network network(boolean graph) {
        NeuralNetConfiguration.Builder base = new NeuralNetConfiguration.Builder().seed(5).updater(new Adam(0.01))
                .dataType(DataType.FLOAT);
        ConvolutionLayer conv = new ConvolutionLayer.Builder(3, 3).nOut(4).activation(Activation.RELU).build();
        SubsamplingLayer pool = new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2)
                .stride(2, 2).build();
        OutputLayer out = new OutputLayer.Builder().nOut(3).activation(Activation.SOFTMAX).build();
        InputType input = InputType.convolutional(8, 8, 1);
        if (graph) {
            ComputationGraph network = new ComputationGraph(base.graphBuilder().addInputs("in")
                    .addLayer("conv", conv, "in").addLayer("pool", pool, "conv").addLayer("out", out, "pool")
                    .setOutputs("out").setInputTypes(input).build());
            network.init();
            return Network.of(network);
        }
        MultiLayerNetwork network = new MultiLayerNetwork(base.list().layer(conv).layer(pool).layer(out)
                .setInputType(input).build());
        network.init();
        return Network.of(network);
    }

    private static DataSet batch(long seed) {
        Nd4j.getRandom().setSeed(seed);
        INDArray labels = Nd4j.zeros(DataType.FLOAT, 6, 3);
        for (int i = 0; i < 6; i++) {
            labels.putScalar(i, i % 3, 1);
        }
        return new DataSet(Nd4j.rand(DataType.FLOAT, 6, 1, 8, 8), labels);
    }

    @ParameterizedTest(name = "graph: {0}, oneDNN helpers: {1}")
    @CsvSource({"false, false", "false, true", "true, false", "true, true"})
    void trainsToTheSameParametersWithoutComputingTheConvolutionTwice(boolean graph, boolean helpers)
            throws ReflectiveOperationException {
        boolean configured = LayerHelpers.enabled();
        LayerHelpers.enable(helpers);
        try {
            Network plain = network(graph);
            Network kept = network(graph);
            kept.keepForwardForBackprop();
            for (int step = 0; step < 3; step++) {
                DataSet batch = batch(step);
                plain.fit(batch);
                kept.fit(batch);
                // inference between steps (validation) must not leave a stale output for the next backward pass
                INDArray other = batch(100 + step).getFeatures();
                assertThat(kept.output(other)).isEqualTo(plain.output(other));
            }
            assertThat(maxDifference(kept.model().params(), plain.model().params())).isLessThan(1e-6);
            assertThat(cachedPreOutput(kept.layers()[0]) != null).as("the convolution kept its pre-activation, on "
                    + "oneDNN only (the built-in path's cache would hold its im2col buffer too)").isEqualTo(helpers);
            assertThat(cachedPreOutput(plain.layers()[0])).as("DL4J's default keeps none").isNull();
        } finally {
            LayerHelpers.enable(configured);
        }
    }

    /** DL4J's cache is the layer's protected {@code preOutput} field, filled only in the cache modes. */
    private static Object cachedPreOutput(Layer layer) throws ReflectiveOperationException {
        Field field = AbstractLayer.class.getDeclaredField("preOutput");
        field.setAccessible(true);
        return field.get(layer);
    }

    private static double maxDifference(INDArray a, INDArray b) {
        return a.sub(b).amaxNumber().doubleValue();
    }
}
