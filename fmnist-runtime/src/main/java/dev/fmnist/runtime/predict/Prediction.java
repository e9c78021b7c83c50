package dev.fmnist.runtime.predict;

import java.util.ArrayList;
import java.util.List;

/** The top classes of one image, most probable first. */
public record Prediction(List<ClassProbability> top) {

    public Prediction {
        top = List.copyOf(top);
        if (top.isEmpty()) {
            throw new IllegalArgumentException("a prediction needs at least one class");
        }
    }

    /** The {@code k} most probable classes of one probability row. */
    public static Prediction of(float[] probabilities, int k, List<String> classNames) {
        int[] order = Ranking.descending(probabilities, 0, probabilities.length);
        List<ClassProbability> top = new ArrayList<>();
        for (int i = 0; i < Math.min(k, order.length); i++) {
            // Float rounding can put a softmax output a hair outside [0,1].
            double p = Math.min(1.0, Math.max(0.0, probabilities[order[i]]));
            top.add(new ClassProbability(order[i], classNames.get(order[i]), p));
        }
        return new Prediction(top);
    }

    /** The most probable class. */
    public ClassProbability best() {
        return top.get(0);
    }
}
