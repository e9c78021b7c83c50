package dev.fmnist.tune.study;

import dev.fmnist.tune.TrialState;
import java.util.Map;
import java.util.OptionalDouble;

/** How one trial of {@link Study#optimize} ended, for the command's progress lines. */
public record TrialOutcome(int number, Map<String, Object> params, TrialState state, OptionalDouble value,
        String detail) {}
