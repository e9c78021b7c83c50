package dev.fmnist.eval.metrics;

import java.util.List;

/**
 * A model's class probabilities for a set of images, with their true labels.
 *
 * @param labels        true class of each image
 * @param probabilities row-major [images x classes]
 */
public record Predictions(int[] labels, float[] probabilities, List<String> classNames) {

    public Predictions {
        classNames = List.copyOf(classNames);
        if ((long) labels.length * classNames.size() != probabilities.length) {
            throw new IllegalArgumentException(labels.length + " labels but " + probabilities.length
                    + " probabilities for " + classNames.size() + " classes");
        }
    }

    public int count() {
        return labels.length;
    }

    public int classes() {
        return classNames.size();
    }

    public float probability(int image, int classIndex) {
        return probabilities[image * classNames.size() + classIndex];
    }

    /** The most probable class of an image (the lowest index on a tie). */
    public int predicted(int image) {
        int best = 0;
        for (int c = 1; c < classes(); c++) {
            if (probability(image, c) > probability(image, best)) {
                best = c;
            }
        }
        return best;
    }

    /** The probability of the predicted class: the model's confidence. */
    public float confidence(int image) {
        return probability(image, predicted(image));
    }

    /** Classes of an image by probability, most probable first, ties by index. */
    public int[] ranked(int image) {
        Integer[] order = new Integer[classes()];
        for (int c = 0; c < order.length; c++) {
            order[c] = c;
        }
        java.util.Arrays.sort(order, (a, b) -> {
            int byProbability = Float.compare(probability(image, b), probability(image, a));
            return byProbability != 0 ? byProbability : Integer.compare(a, b);
        });
        return java.util.Arrays.stream(order).mapToInt(Integer::intValue).toArray();
    }
}
