package dev.fmnist.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.fmnist.data.RealDataset;
import dev.fmnist.models.plugins.ModelRegistry;
import dev.fmnist.runtime.model.Network;
import dev.fmnist.runtime.nativecpu.NativeThreads;
import dev.fmnist.runtime.run.RunSummary;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;
import org.slf4j.LoggerFactory;

class DataParallelTest {

    @TempDir
    Path runs;

    private static Network network(IUpdater updater) {
        MultiLayerNetwork network = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(3)
                .updater(updater)
                .dataType(DataType.FLOAT)
                .list()
                .layer(new DenseLayer.Builder().nIn(20).nOut(16).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunction.MCXENT).nOut(4).activation(Activation.SOFTMAX).build())
                .build());
        network.init();
        return Network.of(network);
    }

    private static DataSet batch(int images, long seed) {
        Nd4j.getRandom().setSeed(seed);
        INDArray features = Nd4j.rand(DataType.FLOAT, images, 20);
        INDArray labels = Nd4j.zeros(DataType.FLOAT, images, 4);
        for (int i = 0; i < images; i++) {
            labels.putScalar(i, i % 4, 1);
        }
        return new DataSet(features, labels);
    }

    @Test
    void withSgdTwoWorkersStepAsOneNetworkOnTheWholeBatchAndCatchUpAfterItTrainedAlone() {
        Network alone = network(new Sgd(0.5));
        Network split = alone.copy();
        BatchProbe probe = new BatchProbe();
        split.setListeners(probe);
        try (DataParallel parallel = new DataParallel(split, probe, new Parallelism(2, 1), 7)) {
            for (int step = 0; step < 4; step++) {
                DataSet batch = batch(9, step);
                alone.fit(batch);
                if (step == 2) {
                    // the network trains without its copies (the thread choice tries another candidate)
                    split.fit(batch);
                    continue;
                }
                BatchFitter.Fitted fitted = parallel.fit(batch);
                assertThat(fitted.loss()).isFinite().isPositive();
                assertThat(fitted.correct()).as("the probe measures both shares").isBetween(0, 9);
            }
        }
        assertThat(maxDifference(alone.model().params(), split.model().params())).isLessThan(1e-5);
        assertThat(split.iterationCount()).isEqualTo(alone.iterationCount()).isEqualTo(4);
    }

    @Test
    void withAdamTwoEqualHalvesStepAsTheWholeBatchMomentsIncluded() {
        // both workers see the same images, so their gradients, moments and steps are the whole batch's
        Network alone = network(new Adam(0.01));
        Network split = alone.copy();
        BatchProbe probe = new BatchProbe();
        split.setListeners(probe);
        try (DataParallel parallel = new DataParallel(split, probe, new Parallelism(2, 1), 7)) {
            for (int step = 0; step < 3; step++) {
                DataSet half = batch(4, step);
                DataSet both = new DataSet(Nd4j.concat(0, half.getFeatures(), half.getFeatures()),
                        Nd4j.concat(0, half.getLabels(), half.getLabels()));
                alone.fit(both);
                parallel.fit(both);
            }
        }
        // Adam divides by the root of the second moment, which turns the rounding of a near-zero gradient (summed in
        // another order by the halves, and by oneDNN with however many threads it got) into up to a step's sign:
        // 6.5e-5 was seen once on a loaded machine. A wrong average of the moments is off by the rate, 1e-2.
        assertThat(maxDifference(alone.model().params(), split.model().params())).isLessThan(5e-4);
        assertThat(maxDifference(alone.updaterState(), split.updaterState())).isLessThan(1e-6);
        assertThat(split.updaterState().amaxNumber().doubleValue()).isPositive();
    }

    @Test
    @Tag("dataset")
    void theEngineTrainsAGraphWithBatchNormalizationDataParallel() {
        // this module's tests run with SD_MAX_THREADS=2 (pom.xml): with fewer, 2x1 would become one worker
        assumeTrue(NativeThreads.available() >= 2, "two workers need two processors");
        Logger choice = (Logger) LoggerFactory.getLogger(ThreadChoice.class);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        Level level = choice.getLevel();
        choice.setLevel(Level.INFO);
        choice.addAppender(logged);
        TrainingEngine engine = new TrainingEngine(new ModelRegistry(Optional.empty()), RealDataset.get(),
                RealDataset.get().config(), new TrainingConfig(runs, 20, 3, "val_loss", 1e-4, true, "none",
                        ThreadSettings.of(TrainingThreads.fixed(new Parallelism(2, 1)))));
        RecordingCallback recorded = new RecordingCallback();
        RunSummary summary = engine.train(TrainingRequest.of("resnet").withLimit(1280).withEpochs(2).withPatience(0)
                .withOverrides(Map.of("blocks", "1", "width", "4", "batch-size", "64"))
                .withRunDir(runs.resolve("parallel")), List.of(recorded));
        choice.detachAppender(logged);
        choice.setLevel(level);
        assertThat(logged.list).extracting(ILoggingEvent::getFormattedMessage)
                .containsExactly("Training with 2 workers x 1 thread (data parallel), as train.threads says");
        assertThat(summary.status()).isEqualTo("completed");
        assertThat(recorded.batches).as("each batch's loss and accuracy come from both workers' shares")
                .hasSizeGreaterThanOrEqualTo(2 * 18).allSatisfy(batch -> {
                    assertThat(batch.loss()).isFinite().isPositive();
                    assertThat(batch.accuracy()).isNotNaN().isBetween(0.0, 1.0);
                });
        assertThat(summary.testAccuracy()).as("two tiny epochs beat chance").isGreaterThan(0.3);
    }

    private static double maxDifference(INDArray a, INDArray b) {
        return a.sub(b).amaxNumber().doubleValue();
    }
}
