package dev.fmnist.eval;

import dev.fmnist.data.RealDataset;
import dev.fmnist.models.plugins.ModelRegistry;
import dev.fmnist.training.TrainingConfig;
import dev.fmnist.training.TrainingEngine;
import dev.fmnist.training.TrainingRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** One short real training run, shared by the tests of this module (made once per test JVM). */
final class TinyRun {

    private static Path run;

    private TinyRun() {}

    static synchronized Path get() {
        if (run == null) {
            try {
                Path runs = Files.createTempDirectory("fmnist-eval-test");
                run = runs.resolve("mlp-tiny");
                new TrainingEngine(new ModelRegistry(Optional.empty()), RealDataset.get(), RealDataset.get().config(),
                        new TrainingConfig(runs, 3, 0, "val_loss", 0, true))
                        .train(TrainingRequest.of("mlp").withLimit(3000).withEpochs(3).withRunDir(run));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return run;
    }
}
