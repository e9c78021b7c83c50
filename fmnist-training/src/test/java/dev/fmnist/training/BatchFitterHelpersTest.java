package dev.fmnist.training;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fmnist.runtime.model.Network;
import dev.fmnist.runtime.nativecpu.LayerHelpers;
import dev.fmnist.runtime.nativecpu.LeanBatchNorm;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.layers.LayerHelper;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNBatchNormHelper;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/**
 * A training's batch normalizations run the lean helper while it lasts (the data-parallel copies' too) and oneDNN's
 * again once it ends.
 */
class BatchFitterHelpersTest {

    private static boolean wasEnabled;

    @BeforeAll
    static void helpersOn() {
        wasEnabled = LayerHelpers.enabled();
        LayerHelpers.enable(true);
    }

    @AfterAll
    static void restore() {
        LayerHelpers.enable(wasEnabled);
    }

    @ParameterizedTest(name = "workers: {0}")
    @ValueSource(ints = {1, 2})
    void theLeanHelperTrainsAndOneDnnsIsBackAfterwards(int workers) {
        MultiLayerNetwork model = model();
        Network network = Network.of(model);
        BatchProbe probe = new BatchProbe();
        network.setListeners(probe);

        LeanBatchNorm.Helper lean;
        try (BatchFitter fitter = new BatchFitter(network, probe, 3)) {
            assertThat(model.getLayer(1).getHelper()).isInstanceOf(LeanBatchNorm.Helper.class);
            lean = (LeanBatchNorm.Helper) model.getLayer(1).getHelper();
            fitter.use(new Parallelism(workers, 1));
            for (int step = 0; step < 3; step++) {
                fitter.fit(batch(step));
            }
        }

        assertThat(lean.backwards()).as("the network's own steps (its share of each batch)").isEqualTo(3);
        assertThat(model.getLayer(1).getHelper()).isInstanceOf(MKLDNNBatchNormHelper.class);
    }

    @Test
    void aDataParallelCopyTrainsWithTheLeanHelper() {
        Network network = Network.of(model());
        BatchProbe probe = new BatchProbe();
        network.setListeners(probe);
        DataParallel parallel = new DataParallel(network, probe, new Parallelism(2, 1), 3);
        try {
            for (int step = 0; step < 3; step++) {
                parallel.fit(batch(step));
            }
            Network copy = parallel.networks().get(1);
            LayerHelper helper = ((MultiLayerNetwork) copy.model()).getLayer(1).getHelper();
            assertThat(helper).isInstanceOf(LeanBatchNorm.Helper.class);
            assertThat(((LeanBatchNorm.Helper) helper).backwards()).as("its backward passes").isEqualTo(3);
            assertThat(((ConvolutionLayer) ((MultiLayerNetwork) copy.model()).getLayer(0).conf().getLayer())
                    .getActivationFn().getClass().getSimpleName()).as("its ReLU, kept for good").isEqualTo("StepRelu");
        } finally {
            parallel.close();
        }
    }

    private static MultiLayerNetwork model() {
        MultiLayerNetwork model = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(4)
                .updater(new Adam(0.01)).dataType(DataType.FLOAT).list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(4).activation(Activation.RELU).build())
                .layer(new BatchNormalization.Builder().build())
                .layer(new OutputLayer.Builder().nOut(2).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(6, 6, 1)).build());
        model.init();
        return model;
    }

    private static DataSet batch(long seed) {
        Nd4j.getRandom().setSeed(seed);
        INDArray labels = Nd4j.zeros(DataType.FLOAT, 8, 2);
        for (int i = 0; i < 8; i++) {
            labels.putScalar(i, i % 2, 1);
        }
        return new DataSet(Nd4j.rand(DataType.FLOAT, 8, 1, 6, 6), labels);
    }
}
