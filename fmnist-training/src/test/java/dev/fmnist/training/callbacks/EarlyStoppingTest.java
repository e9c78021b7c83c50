package dev.fmnist.training.callbacks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fmnist.api.training.EpochMetrics;
import dev.fmnist.api.training.TrainingContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

class EarlyStoppingTest {

    /** A context over a tiny real network whose weights the test sets to the epoch number. */
    private static final class ScriptedContext implements TrainingContext {
        final MultiLayerNetwork network = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().list()
                .layer(new OutputLayer.Builder(LossFunction.MCXENT).nIn(3).nOut(2).activation(Activation.SOFTMAX).build())
                .build());
        final List<EpochMetrics> history = new ArrayList<>();
        String stop;

        ScriptedContext() {
            network.init();
        }

        @Override public String modelId() { return "scripted"; }
        @Override public Model model() { return network; }
        @Override public Path runDirectory() { return Path.of("."); }
        @Override public List<EpochMetrics> history() { return List.copyOf(history); }
        @Override public int maxEpochs() { return 100; }
        @Override public void requestStop(String reason) { if (stop == null) { stop = reason; } }
        @Override public boolean stopRequested() { return stop != null; }
    }

    private static EpochMetrics epoch(int epoch, double valLoss, double valAccuracy) {
        return new EpochMetrics(epoch, 1, 0.5, valLoss, valAccuracy, 0.001, 1000, 100);
    }

    /** Runs the callback over a scripted metric sequence; returns the epoch after which it asked to stop. */
    private static int run(EarlyStopping stopping, ScriptedContext context, double[] valLoss, double[] valAccuracy) {
        stopping.onTrainStart(context, 1);
        for (int i = 0; i < valLoss.length; i++) {
            int epoch = i + 1;
            context.network.params().assign(epoch);
            EpochMetrics metrics = epoch(epoch, valLoss[i], valAccuracy[i]);
            context.history.add(metrics);
            stopping.onEpochEnd(context, metrics);
            if (context.stopRequested()) {
                stopping.onTrainEnd(context, epoch);
                return epoch;
            }
        }
        stopping.onTrainEnd(context, valLoss.length);
        return -1;
    }

    @Test
    void stopsAfterPatienceEpochsWithoutImprovement() {
        ScriptedContext context = new ScriptedContext();
        EarlyStopping stopping = new EarlyStopping(new Monitor("val_loss", 0.01), 3);
        // Best at epoch 2; epoch 4 improves by less than min delta; the third epoch without improvement is 5.
        int stoppedAt = run(stopping, context, new double[] {1.0, 0.80, 0.90, 0.795, 0.85, 0.5},
                new double[6]);
        assertThat(stoppedAt).isEqualTo(5);
        assertThat(context.stop).isEqualTo("val_loss did not improve for 3 epochs (best 0.8000 at epoch 2)");
    }

    @Test
    void monitorsAccuracyUpwards() {
        ScriptedContext context = new ScriptedContext();
        EarlyStopping stopping = new EarlyStopping(new Monitor("val_accuracy", 0), 2);
        int stoppedAt = run(stopping, context, new double[5], new double[] {0.80, 0.85, 0.84, 0.85, 0.9});
        assertThat(stoppedAt).isEqualTo(4);
    }

    @Test
    void keepsGoingWhileItImproves() {
        ScriptedContext context = new ScriptedContext();
        EarlyStopping stopping = new EarlyStopping(new Monitor("val_loss", 0), 1);
        assertThat(run(stopping, context, new double[] {0.9, 0.8, 0.7, 0.6}, new double[4])).isEqualTo(-1);
        assertThat(stopping.bestEpoch()).isEqualTo(4);
    }

    @Test
    void resumedRunsContinueFromTheHistory() {
        ScriptedContext context = new ScriptedContext();
        context.history.add(epoch(1, 0.5, 0));
        context.history.add(epoch(2, 0.6, 0));
        EarlyStopping stopping = new EarlyStopping(new Monitor("val_loss", 0), 2);
        stopping.onTrainStart(context, 3);
        EpochMetrics third = epoch(3, 0.7, 0);
        context.history.add(third);
        stopping.onEpochEnd(context, third);
        assertThat(context.stop).isEqualTo("val_loss did not improve for 2 epochs (best 0.5000 at epoch 1)");
    }

    @Test
    void withSwaItWaitsForTheFirstAverageAndForgetsTheTrainedWeightsBest() {
        Monitor swaFrom4 = new Monitor("val_loss", 0, 4);
        EarlyStopping stopping = new EarlyStopping(swaFrom4, 1);
        // epochs 2 and 3 are worse than epoch 1, but the run waits for SWA's first average (epoch 4), which is
        // the new best though worse than epoch 1's trained weights; epoch 5 is worse still: the stop
        int stoppedAfter = run(stopping, new ScriptedContext(), new double[] {0.3, 0.4, 0.5, 0.6, 0.7},
                new double[] {0.9, 0.8, 0.8, 0.8, 0.8});
        assertThat(stoppedAfter).isEqualTo(5);
        assertThat(stopping.bestEpoch()).isEqualTo(4);
        assertThat(swaFrom4.best(List.of(epoch(1, 0.3, 0.9), epoch(4, 0.6, 0.8), epoch(5, 0.5, 0.8))).orElseThrow()
                .epoch()).as("once averages exist, the best is among them").isEqualTo(5);
        assertThat(swaFrom4.best(List.of(epoch(1, 0.3, 0.9), epoch(2, 0.6, 0.8))).orElseThrow().epoch()).isEqualTo(1);
    }
}
