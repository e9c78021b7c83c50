package dev.fmnist.tune.prune;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fmnist.tune.Direction;
import dev.fmnist.tune.Trial;
import dev.fmnist.tune.TrialState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class PrunerTest {

    /** A finished trial with validation accuracies by epoch. */
    private static Trial curve(int number, TrialState state, double... values) {
        Trial trial = new Trial(number, Map.of(), TrialState.RUNNING, OptionalDouble.empty(), new TreeMap<>());
        for (int step = 1; step <= values.length; step++) {
            trial = trial.withIntermediate(step, values[step - 1]);
        }
        return trial.finished(state, OptionalDouble.of(values[values.length - 1]));
    }

    private static Trial running(int number, double... values) {
        Trial trial = new Trial(number, Map.of(), TrialState.RUNNING, OptionalDouble.empty(), new TreeMap<>());
        for (int step = 1; step <= values.length; step++) {
            trial = trial.withIntermediate(step, values[step - 1]);
        }
        return trial;
    }

    private static final List<Trial> FIVE_DONE = List.of(
            curve(0, TrialState.COMPLETE, 0.80, 0.85, 0.88),
            curve(1, TrialState.COMPLETE, 0.82, 0.86, 0.89),
            curve(2, TrialState.COMPLETE, 0.84, 0.87, 0.90),
            curve(3, TrialState.COMPLETE, 0.70, 0.75, 0.78),
            curve(4, TrialState.COMPLETE, 0.86, 0.88, 0.91));

    @Test
    void theMedianPrunerStopsATrialBelowTheMedianAtTheSameStep() {
        MedianPruner pruner = new MedianPruner();
        // the median at epoch 2 is 0.86
        assertThat(pruner.shouldPrune(running(5, 0.78, 0.80), 2, FIVE_DONE, Direction.MAXIMIZE)).isTrue();
        assertThat(pruner.shouldPrune(running(6, 0.83, 0.87), 2, FIVE_DONE, Direction.MAXIMIZE)).isFalse();
        // its best so far counts, not only the latest value: 0.87 at epoch 1 stays above the median at epoch 2
        assertThat(pruner.shouldPrune(running(7, 0.87, 0.80), 2, FIVE_DONE, Direction.MAXIMIZE)).isFalse();
        // as losses, lower is better: the same numbers flip
        assertThat(pruner.shouldPrune(running(5, 0.78, 0.80), 2, FIVE_DONE, Direction.MINIMIZE)).isFalse();
    }

    @Test
    void theMedianPrunerWaitsForItsStartUpTrialsAndWarmUp() {
        assertThat(new MedianPruner().shouldPrune(running(4, 0.1, 0.1), 2, FIVE_DONE.subList(0, 4),
                Direction.MAXIMIZE)).isFalse();
        assertThat(new MedianPruner(5, 3).shouldPrune(running(5, 0.1, 0.1), 2, FIVE_DONE, Direction.MAXIMIZE))
                .isFalse();
        assertThat(new MedianPruner(5, 3).shouldPrune(running(5, 0.1, 0.1, 0.1), 3, FIVE_DONE, Direction.MAXIMIZE))
                .isTrue();
        // pruned and failed trials are not part of the median
        List<Trial> withPruned = new ArrayList<>(FIVE_DONE.subList(0, 4));
        withPruned.add(curve(4, TrialState.PRUNED, 0.1));
        assertThat(new MedianPruner().shouldPrune(running(5, 0.1), 1, withPruned, Direction.MAXIMIZE)).isFalse();
    }

    @Test
    void successiveHalvingKeepsTheBestThirdAtEachRung() {
        SuccessiveHalvingPruner pruner = new SuccessiveHalvingPruner(1, 3);
        assertThat(List.of(1, 3, 9, 27)).allMatch(pruner::isRung);
        assertThat(List.of(2, 4, 8, 10)).noneMatch(pruner::isRung);
        // the first trial at a rung leads it
        assertThat(pruner.shouldPrune(running(0, 0.5), 1, List.of(), Direction.MAXIMIZE)).isFalse();
        List<Trial> eight = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            eight.add(curve(i, TrialState.COMPLETE, 0.80 + i * 0.01)); // 0.80 .. 0.87 at epoch 1
        }
        // nine values at rung 1: the best three (0.87, 0.86, 0.85 or better) go on
        assertThat(pruner.shouldPrune(running(8, 0.855), 1, eight, Direction.MAXIMIZE)).isFalse();
        assertThat(pruner.shouldPrune(running(8, 0.845), 1, eight, Direction.MAXIMIZE)).isTrue();
        // between rungs nothing is decided
        assertThat(pruner.shouldPrune(running(8, 0.1, 0.1), 2, eight, Direction.MAXIMIZE)).isFalse();
    }
}
