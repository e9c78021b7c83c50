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
    /** BOOL [N]: whether each answer is accepted by the model's threshold ({@code fmnist threshold}). */
    public static final String ACCEPTED = "accepted";

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

    /**
     * @throws ServingError unless a model can have an output of this name (whether this one has {@code accepted} is
     *                      known once it answers)
     */
    public static void checkName(String name) {
        if (!name.equals(PROBABILITIES) && !name.equals(LABEL) && !name.equals(ACCEPTED)) {
            throw ServingError.invalid("unknown output '" + name + "'; the outputs are 'probabilities', 'label' and, "
                    + "for a model with an acceptance threshold, 'accepted'");
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
