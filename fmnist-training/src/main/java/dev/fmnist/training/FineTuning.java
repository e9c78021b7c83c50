package dev.fmnist.training;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.OptionalInt;

/**
 * A run that starts from a trained model: its feature layers kept, its output layer replaced by one for the
 * configured data's classes.
 *
 * @param parent        a run folder or a model file
 * @param frozenLayers  how many of the first layers keep their weights; empty for every layer but the output
 * @param learningRate  the rate of the layers that learn (Adam)
 */
public record FineTuning(Path parent, OptionalInt frozenLayers, double learningRate) {

    public static final double DEFAULT_LEARNING_RATE = 1e-3;

    public FineTuning {
        requireNonNull(parent, "parent is null");
        requireNonNull(frozenLayers, "frozenLayers is null");
        if (frozenLayers.isPresent() && frozenLayers.getAsInt() < 0) {
            throw new TrainingException("--freeze must be 0 or more layers, got " + frozenLayers.getAsInt());
        }
        if (!(learningRate > 0 && learningRate < 1)) {
            throw new TrainingException("the fine-tuning learning rate must be between 0 and 1, got " + learningRate);
        }
    }
}
