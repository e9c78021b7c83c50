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
 */
public record Trial(int number, Map<String, Object> params, TrialState state, OptionalDouble value,
        NavigableMap<Integer, Double> intermediate) {

    public Trial {
        params = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(params)); // the space's order
        intermediate = java.util.Collections.unmodifiableNavigableMap(new TreeMap<>(intermediate));
    }

    public static Trial complete(int number, Map<String, Object> params, double value) {
        return new Trial(number, params, TrialState.COMPLETE, OptionalDouble.of(value), new TreeMap<>());
    }

    public Trial withIntermediate(int step, double value) {
        TreeMap<Integer, Double> next = new TreeMap<>(intermediate);
        next.put(step, value);
        return new Trial(number, params, state, this.value, next);
    }

    public Trial finished(TrialState finalState, OptionalDouble finalValue) {
        return new Trial(number, params, finalState, finalValue, intermediate);
    }

    /** The complete trial with the best objective, if any. */
    public static java.util.Optional<Trial> best(java.util.List<Trial> trials, Direction direction) {
        return trials.stream().filter(t -> t.state() == TrialState.COMPLETE && t.value().isPresent())
                .min(java.util.Comparator.comparingDouble(t -> direction.loss(t.value().getAsDouble())));
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
