package dev.fmnist.training.callbacks;

import dev.fmnist.api.training.EpochMetrics;
import dev.fmnist.api.training.TrainingCallback;
import dev.fmnist.api.training.TrainingContext;
import dev.fmnist.runtime.model.ModelFile;
import dev.fmnist.runtime.model.ModelManifest;
import dev.fmnist.runtime.model.Network;
import java.nio.file.Path;
import java.time.Instant;
import java.util.function.Supplier;

/** Saves the run's model whenever the monitored metric improves, atomically, with its manifest. */
public final class BestCheckpoint implements TrainingCallback {

    private final Monitor monitor;
    private final Path file;
    private final Supplier<Network> network;
    private final Supplier<ModelManifest> manifest;
    private final boolean validates;
    private double best = Double.NaN;

    /**
     * @param network  the network to save: the one trained, or the average of its weights
     * @param manifest  the run's manifest; the epoch, metrics and history are filled in at each save
     * @param validates whether the run has validation images; without them (a run fitting all its training images)
     *                  each epoch's model is the run's
     */
    public BestCheckpoint(Monitor monitor, Path file, Supplier<Network> network, Supplier<ModelManifest> manifest,
            boolean validates) {
        this.monitor = monitor;
        this.file = file;
        this.network = network;
        this.validates = validates;
        this.manifest = manifest;
    }

    @Override
    public void onTrainStart(TrainingContext context, int startEpoch) {
        monitor.best(context.history()).ifPresent(metrics -> best = metrics.metric(monitor.metric()));
    }

    @Override
    public void onEpochEnd(TrainingContext context, EpochMetrics metrics) {
        double value = metrics.metric(monitor.metric());
        if (monitor.startsAfresh(metrics.epoch())) {
            best = Double.NaN; // the first average replaces the best trained weights
        }
        if (!validates || monitor.improves(value, best)) {
            best = value;
            ModelFile.save(network.get(),
                    manifest.get().at(metrics.epoch(), metrics, context.history(), Instant.now().toString()), file, false);
        }
    }
}
