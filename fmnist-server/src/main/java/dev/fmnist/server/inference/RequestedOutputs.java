package dev.fmnist.server.inference;

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

    /** @throws ServingError unless the model has an output of this name */
    public static void checkName(String name) {
        if (!name.equals(PROBABILITIES) && !name.equals(LABEL)) {
            throw ServingError.invalid("unknown output '" + name + "'; this model has 'probabilities' and 'label'");
        }
    }

    /**
     * An output's {@code classification} parameter (Triton's extension) as a top-k.
     *
     * @throws ServingError unless it is a whole number from 1
     */
    public static int classification(String name, double k) {
        if (!(k >= 1 && k <= Integer.MAX_VALUE && k == Math.rint(k))) {
            throw ServingError.invalid("output '" + name + "': 'classification' must be a whole number >= 1");
        }
        return (int) k;
    }
}
