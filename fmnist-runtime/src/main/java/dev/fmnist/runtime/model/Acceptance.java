package dev.fmnist.runtime.model;

/**
 * The confidence from which a model's answers are accepted with no person looking ({@code fmnist threshold}): the
 * lowest top-class probability whose answers, on the run's validation images, were right at least
 * {@code targetAccuracy} of the time. Answers under it go to a person.
 *
 * @param targetAccuracy the accuracy asked of accepted answers (the precision of automatic tagging), in (0, 1)
 * @param threshold      an answer is accepted when its top probability is at least this, in [0, 1]
 * @param temperature    the calibration temperature the probabilities were answered at when it was chosen (1 for a
 *                       model without calibration): the threshold means nothing at another
 * @param validation     what it accepts of the validation images it was chosen on
 */
public record Acceptance(double targetAccuracy, double threshold, double temperature, Accepted validation) {

    public Acceptance {
        if (!(targetAccuracy > 0 && targetAccuracy < 1)) {
            throw new IllegalArgumentException("a target accuracy of accepted answers is a share in (0, 1), such as "
                    + "0.99; got " + targetAccuracy);
        }
        if (!(threshold >= 0 && threshold <= 1)) {
            throw new IllegalArgumentException("an acceptance threshold is a probability, got " + threshold);
        }
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("an acceptance threshold's temperature must be positive, got "
                    + temperature);
        }
    }

    /** Whether an answer whose most probable class has probability {@code confidence} is accepted. */
    public boolean accepts(double confidence) {
        return Math.min(1.0, confidence) >= threshold;
    }

    /** Whether an answer of these class probabilities is accepted. */
    public boolean accepts(float[] probabilities) {
        float top = 0;
        for (float p : probabilities) {
            top = Math.max(top, p);
        }
        return accepts(top);
    }

    /**
     * What a threshold accepts of a set of images.
     *
     * @param images   in the set
     * @param accepted accepted of them
     * @param correct  answered right among the accepted
     */
    public record Accepted(int images, int accepted, int correct) {

        /** The share of the images accepted. */
        public double coverage() {
            return images == 0 ? 0 : (double) accepted / images;
        }

        /** The accuracy of the accepted images; 1 when none is (no accepted answer was wrong). */
        public double accuracy() {
            return accepted == 0 ? 1 : (double) correct / accepted;
        }
    }
}
