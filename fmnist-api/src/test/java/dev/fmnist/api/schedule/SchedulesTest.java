package dev.fmnist.api.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import dev.fmnist.api.Hyperparameters;
import dev.fmnist.api.Optimizers;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.schedule.StepSchedule;

/** Each schedule gives the stated rate at given epochs (0-based, as DL4J counts them). */
class SchedulesTest {

    private static IUpdater updater(Map<String, String> values) {
        return Optimizers.of(Hyperparameters.of(values));
    }

    @Test
    void cosineWarmsUpLinearlyThenAnnealsToZero() {
        WarmupCosineSchedule cosine = new WarmupCosineSchedule(0.1, 0, 12, 2);
        assertThat(cosine.valueAt(0, 0)).isCloseTo(0.05, offset(1e-12));
        assertThat(cosine.valueAt(999, 1)).as("iterations do not matter").isCloseTo(0.1, offset(1e-12));
        assertThat(cosine.valueAt(0, 2)).isCloseTo(0.1, offset(1e-12));
        assertThat(cosine.valueAt(0, 7)).as("half-way through the annealing").isCloseTo(0.05, offset(1e-12));
        assertThat(cosine.valueAt(0, 12)).isZero();
        assertThat(cosine.valueAt(0, 30)).isZero();
    }

    @Test
    void oneCycleRisesToThePeakThenFallsFarBelowTheStart() {
        OneCycleSchedule cycle = new OneCycleSchedule(0.1, 11);
        assertThat(cycle.valueAt(0, 0)).isCloseTo(0.004, offset(1e-12));
        assertThat(cycle.valueAt(0, 3)).as("30% of 10 steps: the peak").isCloseTo(0.1, offset(1e-12));
        assertThat(cycle.valueAt(0, 2)).isBetween(0.004, 0.1);
        assertThat(cycle.valueAt(0, 10)).isCloseTo(0.004 / 1e4, offset(1e-15));
        assertThat(cycle.valueAt(0, 7)).isBetween(0.004 / 1e4, 0.1);
    }

    @Test
    void hyperparametersChooseTheSchedule() {
        var step = updater(Map.of("learning-rate", "0.1", "lr-schedule", "step", "lr-step", "3", "lr-decay", "0.5"));
        assertThat(step.getLearningRate(0, 2)).isCloseTo(0.1, offset(1e-12));
        assertThat(step.getLearningRate(0, 3)).isCloseTo(0.05, offset(1e-12));
        assertThat(step.getLearningRate(0, 7)).isCloseTo(0.025, offset(1e-12));
        var cosine = updater(Map.of("learning-rate", "0.01", "lr-schedule", "cosine", "lr-epochs", "10",
                "lr-warmup", "1", "optimizer", "nesterovs", "momentum", "0.95"));
        assertThat(cosine).isInstanceOf(Nesterovs.class);
        assertThat(((Nesterovs) cosine).getMomentum()).isEqualTo(0.95);
        assertThat(cosine.getLearningRate(0, 1)).isCloseTo(0.01, offset(1e-12));
        assertThat(cosine.getLearningRate(0, 10)).isZero();
        assertThat(updater(Map.of("learning-rate", "0.1", "lr-schedule", "cosine", "epochs", "1", "lr-warmup", "3"))
                .getLearningRate(0, 0)).as("a one-epoch run of a model that warms up: its schedule's length")
                .isCloseTo(0.1, offset(1e-12));
        assertThat(updater(Map.of("learning-rate", "0.1", "lr-decay", "0.5")).getLearningRate(0, 1))
                .as("lr-decay alone: exponential, as before").isCloseTo(0.05, offset(1e-12));
        assertThat(updater(Map.of("learning-rate", "0.1", "lr-schedule", "constant", "lr-decay", "0.5"))
                .getLearningRate(0, 5)).isEqualTo(0.1);
        assertThatThrownBy(() -> updater(Map.of("learning-rate", "0.1", "lr-schedule", "cosine")))
                .hasMessageContaining("hyperparameter 'lr-epochs' is not set");
        assertThatThrownBy(() -> updater(Map.of("learning-rate", "0.1", "lr-schedule", "cyclic")))
                .hasMessage("hyperparameter 'lr-schedule' = 'cyclic' is not one of constant, exponential, step, "
                        + "cosine, one-cycle");
        assertThat(Optimizers.weightDecay(Hyperparameters.of(Map.of("weight-decay", "0.0005")))).isEqualTo(0.0005);
        assertThat(Optimizers.weightDecay(Hyperparameters.of(Map.of()))).isZero();
        assertThat(step).extracting("learningRateSchedule").isInstanceOf(StepSchedule.class);
    }
}
