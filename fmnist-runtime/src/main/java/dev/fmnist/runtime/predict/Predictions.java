package dev.fmnist.runtime.predict;

import java.util.List;

/**
 * A model's class probabilities for a set of images, with their true labels.
 *
 * @param labels        true class of each image
 * @param probabilities row-major [images x classes]
 */
public record Predictions(int[] labels, float[] probabilities, List<String> classNames) {

    /** The smallest probability a log loss takes, so one confident mistake costs a bounded amount. */
    public static final double EPSILON = 1e-7;

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
        return Ranking.descending(probabilities, image * classes(), classes());
    }

    /** The share of images whose most probable class is their label: the accuracy every report states. */
    public double accuracy() {
        if (count() == 0) {
            return Double.NaN;
        }
        long correct = 0;
        for (int i = 0; i < count(); i++) {
            if (predicted(i) == labels[i]) {
                correct++;
            }
        }
        return (double) correct / count();
    }

    /** Mean cross-entropy of the true classes, each probability clipped at {@value #EPSILON}. */
    public double logLoss() {
        if (count() == 0) {
            return Double.NaN;
        }
        double sum = 0;
        for (int i = 0; i < count(); i++) {
            sum -= Math.log(Math.max(probability(i, labels[i]), EPSILON));
        }
        return sum / count();
    }
}
