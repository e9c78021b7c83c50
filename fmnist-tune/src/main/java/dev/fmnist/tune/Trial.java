package dev.fmnist.tune;

import java.util.Map;
import java.util.NavigableMap;
import java.util.OptionalDouble;
import java.util.TreeMap;

/**
 * One trial of a study, as the samplers and pruners see it.
 *
 * @param number       0-based, in the order trials started
 * @param params       the sampled values by parameter name: {@link Double}, {@link Long} or {@link String}
 * @param value        the objective of a complete trial; a pruned trial's last intermediate value
 * @param intermediate the objective reported after each step (epoch), by step
 * @param failure      why a FAILED trial failed, in one sentence; empty for the others
 */
public record Trial(int number, Map<String, Object> params, TrialState state, OptionalDouble value,
        NavigableMap<Integer, Double> intermediate, String failure) {

    public Trial {
        params = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(params)); // the space's order
        intermediate = java.util.Collections.unmodifiableNavigableMap(new TreeMap<>(intermediate));
        failure = failure == null ? "" : failure;
    }

    /** A trial that did not fail. */
    public Trial(int number, Map<String, Object> params, TrialState state, OptionalDouble value,
            NavigableMap<Integer, Double> intermediate) {
        this(number, params, state, value, intermediate, "");
    }

    public static Trial complete(int number, Map<String, Object> params, double value) {
        return new Trial(number, params, TrialState.COMPLETE, OptionalDouble.of(value), new TreeMap<>());
    }

    public Trial withIntermediate(int step, double value) {
        TreeMap<Integer, Double> next = new TreeMap<>(intermediate);
        next.put(step, value);
        return new Trial(number, params, state, this.value, next, failure);
    }

    public Trial finished(TrialState finalState, OptionalDouble finalValue) {
        return new Trial(number, params, finalState, finalValue, intermediate, failure);
    }

    /** The complete trial with the best objective, if any. */
    public static java.util.Optional<Trial> best(java.util.List<Trial> trials, Direction direction) {
        return trials.stream().filter(t -> t.state() == TrialState.COMPLETE && t.value().isPresent())
                .min(java.util.Comparator.comparingDouble(t -> direction.loss(t.value().getAsDouble())));
    }

    /**
     * The trials that failed one after the other at the end of the study, counting only those numbered from
     * {@code fromNumber} on and finished (running and lost trials are skipped): the newest first.
     */
    public static java.util.List<Trial> failedInARow(java.util.List<Trial> trials, int fromNumber) {
        java.util.List<Trial> finished = trials.stream().filter(t -> t.number() >= fromNumber)
                .filter(t -> t.state() != TrialState.RUNNING && t.state() != TrialState.LOST)
                .sorted(java.util.Comparator.comparingInt(Trial::number).reversed()).toList();
        int run = 0;
        while (run < finished.size() && finished.get(run).state() == TrialState.FAILED) {
            run++;
        }
        return finished.subList(0, run);
    }

    /**
     * The sentence for a study's closing failures ({@link #failedInARow}, newest first): "3 trials failed in a
     * row; the last, trial 5: ...".
     */
    public static String describeFailures(java.util.List<Trial> failedInARow) {
        Trial last = failedInARow.get(0);
        return failedInARow.size() + (failedInARow.size() == 1 ? " trial" : " trials") + " failed in a row; the last, "
                + "trial " + last.number() + ": " + (last.failure().isEmpty() ? "(no reason recorded)" : last.failure());
    }

    /** The parameters as people read them: {@code lr=0.003162, width=64}. */
    public String describeParams() {
        return describe(params);
    }

    /** Parameter values as people read them. */
    public static String describe(Map<String, Object> params) {
        java.util.List<String> parts = new java.util.ArrayList<>();
        params.forEach((k, v) -> parts.add(k + "=" + (v instanceof Double d
                ? String.format(java.util.Locale.ROOT, "%.4g", d) : v)));
        return String.join(", ", parts);
    }
}
