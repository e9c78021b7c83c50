package dev.fmnist.tune.prune;

import dev.fmnist.tune.Direction;
import dev.fmnist.tune.Trial;
import java.util.List;

/** Decides, after each step (epoch) a trial reports, whether it is worth going on. */
public interface Pruner {

    /**
     * @param trial  the running trial, with its intermediate values up to and including {@code step}
     * @param others the study's other trials, in any state
     */
    boolean shouldPrune(Trial trial, int step, List<Trial> others, Direction direction);

    /** Never prunes. */
    Pruner NONE = (trial, step, others, direction) -> false;
}
