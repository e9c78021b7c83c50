package dev.fmnist.api;

import static java.util.Objects.requireNonNull;

/**
 * What the platform asks a plugin to build.
 *
 * @param numClasses      width of the softmax output
 * @param inputShape      shape of one image, channels first
 * @param seed            the seed for weight initialization: the same seed must give the same weights
 * @param hyperparameters the plugin's defaults merged with the user's overrides; only keys the plugin
 *                        declared in {@link ModelPlugin#defaultHyperparameters()} appear
 */
public record ModelSpec(int numClasses, ImageShape inputShape, long seed, Hyperparameters hyperparameters) {

    public ModelSpec {
        if (numClasses < 2) {
            throw new IllegalArgumentException("numClasses must be at least 2, got " + numClasses);
        }
        requireNonNull(inputShape, "inputShape is null");
        requireNonNull(hyperparameters, "hyperparameters is null");
    }
}
