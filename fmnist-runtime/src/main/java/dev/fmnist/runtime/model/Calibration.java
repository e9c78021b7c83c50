package dev.fmnist.runtime.model;

/**
 * A model's temperature scaling (Guo et al., "On Calibration of Modern Neural Networks", 2017): its probabilities
 * are answered at {@code temperature} ({@link dev.fmnist.runtime.predict.Temperature}), the one value that minimized
 * the log loss on the run's validation images. It changes how sure the model says it is, never which class it
 * ranks first.
 *
 * @param temperature   above 1 when the model was overconfident
 * @param images        the validation images it was fitted on
 * @param logLossBefore their log loss at temperature 1
 * @param logLossAfter  their log loss at {@code temperature}
 */
public record Calibration(double temperature, int images, double logLossBefore, double logLossAfter) {

    public Calibration {
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("a calibration temperature must be a positive number, got "
                    + temperature);
        }
    }
}
