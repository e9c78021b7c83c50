package dev.fmnist.server.infer;

import java.util.Map;

/**
 * Which outputs a request wants, by name, each with its {@code classification} top-k (0 for the plain tensor).
 * Empty means every output, plain.
 */
public record RequestedOutputs(Map<String, Integer> classification) {

    public static final String PROBABILITIES = "probabilities";
    public static final String LABEL = "label";

    public RequestedOutputs {
        classification = Map.copyOf(classification);
    }

    public boolean all() {
        return classification.isEmpty();
    }
}
