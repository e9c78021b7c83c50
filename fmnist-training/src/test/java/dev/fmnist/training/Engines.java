package dev.fmnist.training;

import dev.fmnist.data.RealDataset;
import dev.fmnist.models.plugins.ModelRegistry;
import java.nio.file.Path;
import java.util.Optional;

/** Training engines on the real dataset for tests. */
final class Engines {

    private Engines() {}

    static TrainingEngine engine(Path runsDir) {
        return new TrainingEngine(new ModelRegistry(Optional.empty()), RealDataset.get(), RealDataset.get().config(),
                new TrainingConfig(runsDir, 20, 3, "val_loss", 1e-4, true));
    }
}
