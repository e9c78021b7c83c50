package dev.fmnist.runtime.nativecpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/** A single image answered through the matrix-vector product gets DL4J's answer; everything else is DL4J's path. */
class SingleImageDenseTest {

    /** The cnn's shape, smaller: a convolution, pooling, two dense layers (one with a bias, one without), softmax. */
    private static MultiLayerNetwork network() {
        MultiLayerNetwork network = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(7).biasInit(0.3)
                .updater(new Adam(1e-3)).list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(8).activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2)
                        .build())
                .layer(new DenseLayer.Builder().nOut(64).activation(Activation.RELU).build())
                .layer(new DenseLayer.Builder().nOut(32).hasBias(false).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder().nOut(10).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutionalFlat(12, 12, 1)).build());
        network.init();
        return network;
    }

    @Test
    void oneImageGetsDl4jsAnswerAndLargerBatchesTakeDl4jsPath() {
        MultiLayerNetwork dl4j = network();
        MultiLayerNetwork swapped = dl4j.clone();
        INDArray weights = swapped.getLayer(2).getParam("W");
        assertThat(SingleImageDense.install(swapped)).isEqualTo(2);
        assertThat(swapped.getLayer(2)).isInstanceOf(SingleImageDense.MatrixVector.class);
        assertThat(swapped.getLayer(3)).isInstanceOf(SingleImageDense.MatrixVector.class);
        assertThat(swapped.getLayer(4)).isNotInstanceOf(SingleImageDense.MatrixVector.class);
        assertThat(swapped.getLayer(2).getParam("W")).as("the network's own parameters").isSameAs(weights);

        for (int i = 0; i < 5; i++) {
            INDArray image = Nd4j.rand(DataType.FLOAT, 1, 144);
            float[] expected = dl4j.output(image).toFloatVector();
            float[] actual = swapped.output(image).toFloatVector();
            for (int c = 0; c < expected.length; c++) {
                assertThat(actual[c]).isCloseTo(expected[c], within(1e-6f));
            }
        }
        assertThat(((SingleImageDense.MatrixVector) swapped.getLayer(2)).products).isEqualTo(5);
        assertThat(((SingleImageDense.MatrixVector) swapped.getLayer(3)).products).isEqualTo(5);
        INDArray batch = Nd4j.rand(DataType.FLOAT, 4, 144);
        assertThat(swapped.output(batch)).isEqualTo(dl4j.output(batch));
        assertThat(((SingleImageDense.MatrixVector) swapped.getLayer(2)).products).isEqualTo(5);
        assertThat(swapped.getLayerWiseConfigurations().toJson()).as("what is saved")
                .isEqualTo(dl4j.getLayerWiseConfigurations().toJson());
    }

    @Test
    void aTrainingStepOnOneImageIsDl4js() {
        MultiLayerNetwork dl4j = network();
        MultiLayerNetwork swapped = dl4j.clone();
        SingleImageDense.install(swapped);
        INDArray image = Nd4j.rand(DataType.FLOAT, 1, 144);
        INDArray label = Nd4j.zeros(DataType.FLOAT, 1, 10).putScalar(0, 3, 1);
        dl4j.fit(image, label);
        swapped.fit(image, label);
        assertThat(((SingleImageDense.MatrixVector) swapped.getLayer(2)).products).isZero();
        assertThat(swapped.params()).isEqualTo(dl4j.params());
        assertThat(swapped.params()).isNotEqualTo(network().params());
    }

    @Test
    void graphsAreLeftAlone() {
        var graph = new org.deeplearning4j.nn.graph.ComputationGraph(new NeuralNetConfiguration.Builder()
                .graphBuilder().addInputs("in")
                .addLayer("dense", new DenseLayer.Builder().nIn(4).nOut(3).build(), "in")
                .addLayer("out", new OutputLayer.Builder().nIn(3).nOut(2).activation(Activation.SOFTMAX).build(),
                        "dense")
                .setOutputs("out").build());
        graph.init();
        assertThat(SingleImageDense.install(graph)).isZero();
    }
}
