package dev.fmnist.api.training;

/**
 * Adds a team's own hook (a notifier, a metrics exporter) to every training run: list the implementing
 * class in {@code META-INF/services/dev.fmnist.api.training.TrainingCallbackFactory} of a plugin JAR.
 * Like a model plugin, it must be cheap to construct.
 */
public interface TrainingCallbackFactory {

    /** A stable id, for logs and the run's summary. */
    String id();

    /** A new callback for one run. */
    TrainingCallback create();
}
