package dev.fmnist.api.training;

/**
 * What one epoch measured. Losses are the mean per-example loss; accuracies are in [0,1].
 *
 * @param epoch              1-based epoch number
 * @param learningRate       the learning rate the epoch trained with
 * @param imagesPerSecond    training images per second of the epoch, validation excluded
 */
public record EpochMetrics(
        int epoch,
        double trainLoss,
        double trainAccuracy,
        double validationLoss,
        double validationAccuracy,
        double learningRate,
        long epochMillis,
        double imagesPerSecond) {

    /** The value of a monitored metric by name: {@code val_loss}, {@code val_accuracy}, {@code loss}, {@code accuracy}. */
    public double metric(String name) {
        return switch (name) {
            case "val_loss" -> validationLoss;
            case "val_accuracy" -> validationAccuracy;
            case "loss" -> trainLoss;
            case "accuracy" -> trainAccuracy;
            default -> throw new IllegalArgumentException(
                    "unknown metric '" + name + "'; known: val_loss, val_accuracy, loss, accuracy");
        };
    }
}
