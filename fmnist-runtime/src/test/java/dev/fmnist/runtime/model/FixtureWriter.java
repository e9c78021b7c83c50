package dev.fmnist.runtime.model;

import dev.fmnist.api.InputLayout;
import dev.fmnist.api.data.LabelledImages;
import dev.fmnist.data.RealDataset;
import dev.fmnist.data.batch.ImageBatchIterator;
import dev.fmnist.image.encode.Normalization;
import dev.fmnist.runtime.TestModels;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Writes the model-file fixture of this release ({@code src/test/resources/fixtures}), which
 * {@link ModelFileFixtureTest} loads in every later release. Run once per model-format change:
 * {@code java -cp <test class path> dev.fmnist.runtime.model.FixtureWriter FILE}. Format 2 added graphs, so
 * it writes one: the small residual network of {@link TestModels#residual()}.
 */
public final class FixtureWriter {

    private FixtureWriter() {}

    public static void main(String[] args) {
        LabelledImages train = RealDataset.get().dataset().trainingImages().subset(IntStream.range(0, 3000).toArray());
        Normalization normalization = Normalization.fit(Normalization.Kind.STANDARDIZE, train);
        Network network = TestModels.residualGraph();
        network.model().init();
        ImageBatchIterator batches = ImageBatchIterator.shuffled(train, InputLayout.IMAGE, normalization, 64, 42);
        for (int epoch = 1; epoch <= 3; epoch++) {
            batches.startEpoch(epoch);
            while (batches.hasNext()) {
                network.fit(batches.next());
            }
        }
        ModelManifest manifest = new ModelManifest(ModelManifest.FORMAT_VERSION, Versions.platform(), Versions.dl4j(),
                "fixture-residual", "1", "built in", InputLayout.IMAGE, train.shape(), normalization, train.classNames(), 42,
                Map.of("learning-rate", "0.001"), 64, network.numParams(), Instant.now().toString(),
                new ModelManifest.TrainingData("Fashion-MNIST, first 3,000 training images", 3000, 0, 0, ""), 3, null,
                List.of(), "none", network.kind(), null);
        ModelFile.save(network, manifest, Path.of(args[0]), false);
    }
}
