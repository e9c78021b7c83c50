package dev.fmnist.training;

import dev.fmnist.api.data.LabelledImages;
import dev.fmnist.runtime.model.ModelManifest;
import dev.fmnist.runtime.model.Network;
import dev.fmnist.runtime.predict.Predictions;
import dev.fmnist.runtime.predict.Predictor;

/**
 * Mean cross-entropy and accuracy of a network over an image set, computed by the same {@link Predictor}
 * and {@link Predictions} that evaluation and serving use, so a run's figures and its report agree.
 */
public record Validation(double loss, double accuracy, int images) {

    /** NaN figures for no images: a run that fitted all its training images has none to validate on. */
    public static Validation of(Network network, ModelManifest manifest, LabelledImages images) {
        if (images.count() == 0) {
            return new Validation(Double.NaN, Double.NaN, 0);
        }
        Predictions predictions = new Predictor(network, manifest).withCalibration(false).predictions(images);
        return new Validation(predictions.logLoss(), predictions.accuracy(), predictions.count());
    }
}
