package dev.fmnist.tune.prune;

import dev.fmnist.tune.Direction;
import dev.fmnist.tune.Trial;
import dev.fmnist.tune.TrialState;
import java.util.List;

/**
 * Stops a trial whose best intermediate value so far is worse than the median of the completed trials' values at
 * the same step (the median stopping rule of Golovin et al., "Google Vizier: A Service for Black-Box
 * Optimization", KDD 2017; Optuna's {@code MedianPruner}). Nothing is pruned before {@code startupTrials} trials
 * have completed, nor before step {@code warmupSteps}.
 */
public record MedianPruner(int startupTrials, int warmupSteps) implements Pruner {

    public MedianPruner {
        if (startupTrials < 0 || warmupSteps < 0) {
            throw new IllegalArgumentException("startup trials and warm-up steps cannot be negative");
        }
    }

    /** Optuna's defaults: 5 completed trials, no warm-up. */
    public MedianPruner() {
        this(5, 0);
    }

    @Override
    public boolean shouldPrune(Trial trial, int step, List<Trial> others, Direction direction) {
        if (step < warmupSteps || !trial.intermediate().containsKey(step)) {
            return false;
        }
        List<Trial> complete = others.stream()
                .filter(t -> t.state() == TrialState.COMPLETE && t.number() != trial.number()).toList();
        if (complete.size() < startupTrials) {
            return false;
        }
        double[] atStep = complete.stream().filter(t -> t.intermediate().containsKey(step))
                .mapToDouble(t -> direction.loss(t.intermediate().get(step))).sorted().toArray();
        if (atStep.length == 0) {
            return false;
        }
        double median = atStep.length % 2 == 1 ? atStep[atStep.length / 2]
                : (atStep[atStep.length / 2 - 1] + atStep[atStep.length / 2]) / 2;
        double best = trial.intermediate().headMap(step, true).values().stream()
                .mapToDouble(direction::loss).min().orElseThrow();
        return best > median;
    }
}
