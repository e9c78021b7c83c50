package dev.fmnist.api;

import java.util.List;

/** The top classes of one image, most probable first. */
public record Prediction(List<ClassProbability> top) {

    public Prediction {
        top = List.copyOf(top);
        if (top.isEmpty()) {
            throw new IllegalArgumentException("a prediction needs at least one class");
        }
    }

    /** The most probable class. */
    public ClassProbability best() {
        return top.get(0);
    }
}
