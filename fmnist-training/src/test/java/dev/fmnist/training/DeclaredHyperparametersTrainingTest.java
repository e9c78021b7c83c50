package dev.fmnist.training;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fmnist.api.data.DataSource;
import dev.fmnist.api.data.LabelledImages;
import dev.fmnist.data.RealDataset;
import dev.fmnist.models.ModelBuilder;
import dev.fmnist.models.plugins.ModelRegistry;
import dev.fmnist.runtime.run.RunSummary;
import dev.fmnist.testkit.ChangedHyperparameters;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every hyperparameter every built-in declares, changed one at a time, through the real engine: a one-epoch run
 * on a few hundred real images, so keys the engine reads (batch size, augmentation, label smoothing, epochs) are
 * exercised as a user's {@code --set KEY=VALUE} would, not only the plugin's build.
 */
@Tag("dataset")
class DeclaredHyperparametersTrainingTest {

    private static final int TRAINING_IMAGES = 320;

    @TempDir
    Path runs;

    @TestFactory
    Stream<DynamicContainer> everyBuiltInTrainsWithEachDeclaredKeyChanged() {
        ModelRegistry registry = new ModelRegistry(Optional.empty());
        TrainingEngine engine = new TrainingEngine(registry, smallRealData(), RealDataset.get().config(),
                new TrainingConfig(runs, 1, 0, "val_loss", 1e-4, true));
        return registry.plugins().stream().filter(plugin -> plugin.origin().equals("built in")).map(plugin -> {
            // an epochs key changed to 1, not halved: the run stays one epoch either way
            Map<String, String> defaults = plugin.plugin().defaultHyperparameters();
            Map<String, String> changed = ChangedHyperparameters.of(defaults, defaults.containsKey(ModelBuilder.EPOCHS)
                    ? Map.of(ModelBuilder.EPOCHS, "1") : Map.of());
            return DynamicContainer.dynamicContainer(plugin.id(), changed.entrySet().stream().map(change ->
                    DynamicTest.dynamicTest(change.getKey() + "=" + change.getValue(), () -> {
                        TrainingRequest request = TrainingRequest.of(plugin.id())
                                .withOverrides(Map.of(change.getKey(), change.getValue()))
                                .withRunDir(runs.resolve(plugin.id() + "-" + change.getKey()));
                        if (!change.getKey().equals(ModelBuilder.EPOCHS)) {
                            request = request.withEpochs(1);
                        }
                        RunSummary summary = engine.train(request);
                        assertThat(summary.status()).isEqualTo("completed");
                        assertThat(summary.epochsRun()).isEqualTo(1);
                        assertThat(summary.testAccuracy()).as("test accuracy").isBetween(0.0, 1.0);
                    })));
        });
    }

    /** The first images of the real training and test sets: enough for a few batches and a validation split. */
    private static DataSource smallRealData() {
        DataSource real = RealDataset.get();
        return new FirstImages("the first " + TRAINING_IMAGES + " training and 100 test images of Fashion-MNIST",
                real.trainingImages().subset(IntStream.range(0, TRAINING_IMAGES).toArray()),
                real.testImages().subset(IntStream.range(0, 100).toArray()));
    }

    private record FirstImages(String description, LabelledImages trainingImages, LabelledImages testImages)
            implements DataSource {}
}
