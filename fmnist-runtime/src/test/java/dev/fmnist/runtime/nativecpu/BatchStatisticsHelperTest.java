package dev.fmnist.runtime.nativecpu;

import static org.assertj.core.api.Assertions.assertThat;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/** The batch statistics from sums of squares, against DL4J's built-in path over several training steps. */
class BatchStatisticsHelperTest {

    private static boolean wasEnabled;

    @BeforeAll
    static void remember() {
        wasEnabled = LayerHelpers.enabled();
    }

    @AfterAll
    static void restore() {
        LayerHelpers.enable(wasEnabled);
    }

    private static MultiLayerNetwork network(boolean helpers) {
        LayerHelpers.enable(helpers);
        MultiLayerNetwork network = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(5)
                .dataType(DataType.FLOAT).updater(new Adam(0.01)).list()
                .layer(new BatchNormalization.Builder().build())
                .layer(new OutputLayer.Builder().nOut(4).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(8, 8, 6))
                .build());
        network.init();
        if (helpers) {
            LayerHelpers.prepare(network);
        }
        return network;
    }

    /** Images with the given mean and spread per channel; labels in turn. */
    private static DataSet batch(int seed, double mean, double spread) {
        Nd4j.getRandom().setSeed(seed);
        INDArray features = Nd4j.rand(DataType.FLOAT, 32, 6, 8, 8).subi(0.5).muli(spread).addi(mean);
        INDArray labels = Nd4j.zeros(DataType.FLOAT, 32, 4);
        for (int i = 0; i < 32; i++) {
            labels.putScalar(i, i % 4, 1);
        }
        return new DataSet(features, labels);
    }

    @Test
    void trainsAsDl4jsOwnPathAndTakesTheExactReductionWhenTheMeanDominates() {
        MultiLayerNetwork fast = network(true);
        MultiLayerNetwork builtIn = network(false);
        BatchStatisticsHelper helper = (BatchStatisticsHelper) fast.getLayer(0).getHelper();
        for (int step = 0; step < 5; step++) {
            DataSet batch = batch(step, 0.5, 2);
            fast.fit(batch);
            builtIn.fit(batch);
        }
        assertThat(helper.exactBatches()).as("activations near zero: sums of squares throughout").isZero();
        assertClose(fast.params(), builtIn.params());

        // a mean 1,000 times the spread: E[x^2] - E[x]^2 would keep few digits, so DL4J's Variance op runs
        for (int step = 5; step < 8; step++) {
            DataSet batch = batch(step, 300, 0.3);
            fast.fit(batch);
            builtIn.fit(batch);
        }
        assertThat(helper.exactBatches()).isEqualTo(3);
        assertClose(fast.params(), builtIn.params());
        INDArray input = batch(9, 300, 0.3).getFeatures();
        assertClose(fast.output(input, true), builtIn.output(input, true));
    }

    @Test
    void atAFullBatchNearTheLimitTheVarianceMatchesDl4jsReduction() {
        // 64 x 32 x 28 x 28, as the deep-cnn's first batch normalization sees it, each channel's squared mean just
        // under the limit's multiple of its variance: the most digits the difference may cost on the fast path
        double ratio = 0.9 / BatchStatisticsHelper.CANCELLATION_LIMIT;
        Nd4j.getRandom().setSeed(3);
        INDArray x = Nd4j.rand(DataType.FLOAT, 64, 32, 28, 28).subi(0.5).muli(Math.sqrt(12))
                .addi(Math.sqrt(ratio));
        BatchStatisticsHelper helper = new BatchStatisticsHelper(DataType.FLOAT);
        helper.preOutput(x, true, x.shape(), Nd4j.ones(DataType.FLOAT, 32), Nd4j.zeros(DataType.FLOAT, 32),
                Nd4j.zeros(DataType.FLOAT, 32), Nd4j.ones(DataType.FLOAT, 32), 0.9, 1e-5,
                org.deeplearning4j.nn.conf.CNN2DFormat.NCHW, org.deeplearning4j.nn.workspace.LayerWorkspaceMgr.noWorkspaces());
        assertThat(helper.exactBatches()).isZero();
        INDArray exact = x.var(false, 0, 2, 3);
        assertThat(helper.getVarCache(DataType.FLOAT).sub(exact).amaxNumber().doubleValue()
                / exact.amaxNumber().doubleValue()).as("relative difference of the variances").isLessThan(1e-4);
        assertClose(helper.getMeanCache(DataType.FLOAT), x.mean(0, 2, 3));
    }

    @Test
    void aFrozenBatchNormalizationGetsTheHelperThroughItsWrapper() {
        MultiLayerNetwork frozen = new org.deeplearning4j.nn.transferlearning.TransferLearning.Builder(network(true))
                .setFeatureExtractor(0).build();
        assertThat(frozen.getLayer(0)).isInstanceOf(org.deeplearning4j.nn.layers.FrozenLayer.class);
        LayerHelpers.prepare(frozen);
        assertThat(LayerHelpers.unwrapped(frozen.getLayer(0)).getHelper()).isInstanceOf(BatchStatisticsHelper.class);
        frozen.fit(batch(1, 0.5, 2));
    }

    private static void assertClose(INDArray actual, INDArray expected) {
        double difference = actual.sub(expected).amaxNumber().doubleValue();
        assertThat(difference / Math.max(1e-6, expected.amaxNumber().doubleValue()))
                .as("largest difference relative to the largest value").isLessThan(1e-4);
    }
}
