package dev.fmnist.runtime.predict;

import static java.util.Objects.requireNonNull;

/** One class of a prediction with its probability. */
public record ClassProbability(int classIndex, String label, double probability) {

    public ClassProbability {
        requireNonNull(label, "label is null");
        if (probability < 0 || probability > 1 || Double.isNaN(probability)) {
            throw new IllegalArgumentException("probability must be in [0,1], got " + probability);
        }
    }
}
