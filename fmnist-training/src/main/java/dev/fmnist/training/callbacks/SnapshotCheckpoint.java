package dev.fmnist.training.callbacks;

import dev.fmnist.api.training.EpochMetrics;
import dev.fmnist.api.training.TrainingCallback;
import dev.fmnist.api.training.TrainingContext;
import dev.fmnist.runtime.model.ModelFile;
import dev.fmnist.runtime.model.ModelManifest;
import dev.fmnist.runtime.model.Network;
import dev.fmnist.runtime.run.RunDirectory;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * Saves the run's model at the end of each snapshot cycle as {@code snapshot-<k>.zip}: the members of a snapshot
 * ensemble ({@code fmnist ensemble}), one per minimum the restarted schedule anneals into.
 */
public final class SnapshotCheckpoint implements TrainingCallback {

    private final RunDirectory dir;
    private final int cycleEpochs;
    private final Supplier<Network> network;
    private final Supplier<ModelManifest> manifest;

    /** @param network the network to save: the one trained, or the average of its weights */
    public SnapshotCheckpoint(RunDirectory dir, int cycleEpochs, Supplier<Network> network,
            Supplier<ModelManifest> manifest) {
        this.dir = dir;
        this.cycleEpochs = cycleEpochs;
        this.network = network;
        this.manifest = manifest;
    }

    @Override
    public void onEpochEnd(TrainingContext context, EpochMetrics metrics) {
        if (metrics.epoch() % cycleEpochs == 0) {
            ModelFile.save(network.get(), manifest.get().at(metrics.epoch(), metrics, context.history(),
                    Instant.now().toString()), dir.snapshotModel(metrics.epoch() / cycleEpochs), false);
        }
    }
}
