package dev.fmnist.server.infer;

import java.util.Map;
import java.util.Set;

/**
 * Which outputs a request wants, by name, each with its {@code classification} top-k (0 for the plain tensor).
 * Empty means every output, plain. {@code binary} names the outputs to send as binary data after the JSON
 * (Triton's binary tensor extension); {@code allBinary} is the request's {@code binary_data_output}.
 */
public record RequestedOutputs(Map<String, Integer> classification, Set<String> binary, boolean allBinary) {

    public static final String PROBABILITIES = "probabilities";
    public static final String LABEL = "label";

    public RequestedOutputs {
        classification = Map.copyOf(classification);
        binary = Set.copyOf(binary);
    }

    public boolean all() {
        return classification.isEmpty();
    }

    public boolean binary(String output) {
        return allBinary || binary.contains(output);
    }
}
