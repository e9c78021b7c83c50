package dev.fmnist.tune.study;

import java.util.Map;

/** One trial's work: train with these values and say how good the result is. */
@FunctionalInterface
public interface Objective {

    /**
     * @param reporter takes the objective after each step; when it answers true the trial was pruned, and the
     *                 objective should stop and return promptly (its return value is then ignored)
     * @return the objective of the finished trial (the monitored metric's best value)
     * @throws Exception anything: the trial is marked FAILED with the exception's message; the study goes on
     *                   (it counts toward the study's trials) until too many fail in a row
     */
    double run(int number, Map<String, Object> params, Reporter reporter) throws Exception;

    /** Where a running trial reports its intermediate values. */
    @FunctionalInterface
    interface Reporter {
        /** Records the objective after {@code step}; true when the pruner stops the trial here. */
        boolean report(int step, double value);
    }
}
