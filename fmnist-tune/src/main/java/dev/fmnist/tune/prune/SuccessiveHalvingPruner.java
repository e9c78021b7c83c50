package dev.fmnist.tune.prune;

import dev.fmnist.tune.Direction;
import dev.fmnist.tune.Trial;
import java.util.ArrayList;
import java.util.List;

/**
 * Asynchronous successive halving (Li et al., "A System for Massively Parallel Hyperparameter Tuning", MLSys
 * 2020; Optuna's {@code SuccessiveHalvingPruner}). Rungs sit at steps {@code minResource * reductionFactor^k};
 * a trial reaching a rung goes on only if its value there is among the best {@code 1 / reductionFactor} of every
 * value any trial reported at that rung (at least the best one), so with few trials at a rung only a leader
 * goes on. No trial waits for others: parallel workers decide with what is known.
 */
public record SuccessiveHalvingPruner(int minResource, int reductionFactor) implements Pruner {

    public SuccessiveHalvingPruner {
        if (minResource < 1 || reductionFactor < 2) {
            throw new IllegalArgumentException("min resource must be at least 1 and the reduction factor at least 2");
        }
    }

    /** Optuna's defaults for epoch steps: the first rung after one epoch, a third of the trials go on. */
    public SuccessiveHalvingPruner() {
        this(1, 3);
    }

    /** Whether {@code step} is a rung. */
    public boolean isRung(int step) {
        long rung = minResource;
        while (rung < step) {
            rung *= reductionFactor;
        }
        return rung == step;
    }

    @Override
    public boolean shouldPrune(Trial trial, int step, List<Trial> others, Direction direction) {
        if (!isRung(step) || !trial.intermediate().containsKey(step)) {
            return false;
        }
        double value = direction.loss(trial.intermediate().get(step));
        List<Double> competing = new ArrayList<>();
        competing.add(value);
        others.stream().filter(t -> t.number() != trial.number() && t.intermediate().containsKey(step))
                .forEach(t -> competing.add(direction.loss(t.intermediate().get(step))));
        competing.sort(Double::compare);
        int promoted = Math.max(1, competing.size() / reductionFactor);
        return value > competing.get(promoted - 1);
    }
}
