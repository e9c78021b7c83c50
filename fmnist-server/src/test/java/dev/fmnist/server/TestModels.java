package dev.fmnist.server;

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

/** Short real training runs served by the tests, made once per test JVM. */
final class TestModels {

    private static Path mlp;
    private static Path cnn;

    private TestModels() {}

    static synchronized Path mlp() {
        if (mlp == null) {
            mlp = train("mlp", 3000, 2);
        }
        return mlp;
    }

    static synchronized Path cnn() {
        if (cnn == null) {
            cnn = train("cnn", 2000, 1);
        }
        return cnn;
    }

    private static Path train(String model, int images, int epochs) {
        try {
            Path runs = Files.createTempDirectory("fmnist-server-test");
            Path run = runs.resolve(model + "-test");
            new TrainingEngine(new ModelRegistry(Optional.empty()), RealDataset.get(), RealDataset.get().config(),
                    new TrainingConfig(runs, epochs, 0, "val_loss", 0, true))
                    .train(TrainingRequest.of(model).withLimit(images).withEpochs(epochs).withRunDir(run));
            return run;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
