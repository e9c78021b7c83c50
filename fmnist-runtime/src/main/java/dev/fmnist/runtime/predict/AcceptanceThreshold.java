package dev.fmnist.runtime.predict;

import dev.fmnist.runtime.model.Acceptance;
import dev.fmnist.runtime.model.Acceptance.Accepted;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * Selective prediction: which answers to accept so that the accepted ones reach a target accuracy, the rest going to
 * a person (Geifman and El-Yaniv, "Selective Classification for Deep Neural Networks", 2017, with the top-class
 * probability as the confidence). The threshold is the one of most coverage whose accepted held-out answers reach the
 * target: an estimate, so on new images the accepted accuracy lands near the target, a little under it about half the
 * time; the evaluation report says by how much on the test images.
 */
public final class AcceptanceThreshold {

    private AcceptanceThreshold() {}

    /**
     * The threshold of most coverage whose accepted answers among {@code answered} reach {@code targetAccuracy};
     * empty when none does (the most confident answers are already wrong too often).
     *
     * @param answered    held-out images' probabilities, as the model answers them
     * @param temperature the temperature they were answered at (1 for raw probabilities)
     */
    public static Optional<Acceptance> choose(Predictions answered, double targetAccuracy, double temperature) {
        if (answered.count() == 0) {
            throw new IllegalArgumentException("an acceptance threshold is chosen on held-out images, and there are "
                    + "none");
        }
        Integer[] order = byConfidence(answered);
        int best = 0;
        int bestCorrect = 0;
        int correct = 0;
        for (int k = 0; k < order.length; k++) {
            int image = order[k];
            if (answered.predicted(image) == answered.labels()[image]) {
                correct++;
            }
            // a cut only between two confidences: images of equal confidence are accepted together or not at all
            boolean cut = k + 1 == order.length || confidence(answered, order[k + 1]) < confidence(answered, image);
            if (cut && (double) correct / (k + 1) >= targetAccuracy - 1e-12) {
                best = k + 1;
                bestCorrect = correct;
            }
        }
        if (best == 0) {
            return Optional.empty();
        }
        double threshold = confidence(answered, order[best - 1]);
        return Optional.of(new Acceptance(targetAccuracy, threshold, temperature,
                new Accepted(answered.count(), best, bestCorrect)));
    }

    /** What {@code acceptance} accepts of {@code answered}: how many, and how many of those are right. */
    public static Accepted apply(Acceptance acceptance, Predictions answered) {
        int accepted = 0;
        int correct = 0;
        for (int i = 0; i < answered.count(); i++) {
            if (acceptance.accepts(answered.confidence(i))) {
                accepted++;
                if (answered.predicted(i) == answered.labels()[i]) {
                    correct++;
                }
            }
        }
        return new Accepted(answered.count(), accepted, correct);
    }

    /**
     * An image's confidence as a threshold is compared with it: at most 1 (float rounding can put a softmax output a
     * hair above), so a cut never falls between two confidences the stored threshold cannot tell apart.
     */
    private static double confidence(Predictions answered, int image) {
        return Math.min(1.0, answered.confidence(image));
    }

    /** The images' indexes in descending order of confidence. */
    public static Integer[] byConfidence(Predictions answered) {
        Integer[] order = IntStream.range(0, answered.count()).boxed().toArray(Integer[]::new);
        double[] confidence = new double[answered.count()];
        for (int i = 0; i < confidence.length; i++) {
            confidence[i] = confidence(answered, i);
        }
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> confidence[i]).reversed());
        return order;
    }
}
