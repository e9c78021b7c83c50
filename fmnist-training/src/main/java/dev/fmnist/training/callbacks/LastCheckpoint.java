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

/**
 * Saves the network after every epoch with its optimizer state and the whole history, atomically: what
 * {@code --resume} continues from, with the epoch counter, optimizer state and history intact.
 */
public final class LastCheckpoint implements TrainingCallback {

    private final Path file;
    private final Supplier<ModelManifest> manifest;

    public LastCheckpoint(Path file, Supplier<ModelManifest> manifest) {
        this.file = file;
        this.manifest = manifest;
    }

    @Override
    public void onEpochEnd(TrainingContext context, EpochMetrics metrics) {
        ModelFile.save(Network.of(context.model()),
                manifest.get().at(metrics.epoch(), metrics, context.history(), Instant.now().toString()), file, true);
    }
}
