package dev.fmnist.training;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fmnist.runtime.model.Network;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

class SubnormalsTest {

    @Test
    void flushZeroesOnlyWhatIsTooSmallToMatter() {
        INDArray state = Nd4j.createFromArray(1e-40f, -1e-35f, 9e-31f, 2e-30f, -0.5f, 0f, Float.MIN_VALUE);

        Subnormals.flush(state);

        assertThat(state.toFloatVector()).containsExactly(0f, 0f, 0f, 2e-30f, -0.5f, 0f, 0f);
    }

    /**
     * Half the inputs are always zero, so their weights get no gradient and Adam's moments for them only decay,
     * as for a dead ReLU unit: a training must clean them out of the subnormal range, with one network or two
     * workers.
     */
    @ParameterizedTest(name = "workers: {0}")
    @ValueSource(ints = {1, 2})
    void trainingKeepsTheOptimizerStateOutOfTheSubnormals(int workers) {
        MultiLayerNetwork model = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(2)
                .updater(new Adam(0.01)).dataType(DataType.FLOAT).list()
                .layer(new DenseLayer.Builder().nIn(8).nOut(6).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunction.MCXENT).nOut(2).activation(Activation.SOFTMAX).build())
                .build());
        model.init();
        Network network = Network.of(model);
        BatchProbe probe = new BatchProbe();
        network.setListeners(probe);
        network.fit(batch(0));
        INDArray state = network.updaterState();
        // moments about to underflow, as after ~800 steps of decay by 0.9
        state.assign(1e-39f);

        try (BatchFitter fitter = new BatchFitter(network, probe, 3)) {
            fitter.use(new Parallelism(workers, 1));
            for (int step = 1; step <= Subnormals.EVERY_STEPS; step++) {
                fitter.fit(batch(step));
            }
        }

        for (float value : network.updaterState().toFloatVector()) {
            assertThat(value == 0 || Math.abs(value) >= Subnormals.TINY)
                    .as("%s is neither zero nor above %s", value, Subnormals.TINY).isTrue();
        }
        assertThat(network.updaterState().amaxNumber().doubleValue()).as("the live moments stay").isPositive();
    }

    private static DataSet batch(long seed) {
        Nd4j.getRandom().setSeed(seed);
        INDArray features = Nd4j.rand(DataType.FLOAT, 10, 8);
        features.get(NDArrayIndex.all(), NDArrayIndex.interval(4, 8)).assign(0);
        INDArray labels = Nd4j.zeros(DataType.FLOAT, 10, 2);
        for (int i = 0; i < 10; i++) {
            labels.putScalar(i, i % 2, 1);
        }
        return new DataSet(features, labels);
    }
}
