package dev.fmnist.models.ensemble;

import dev.fmnist.api.ImageShape;
import dev.fmnist.api.InputLayout;
import dev.fmnist.data.FashionClass;
import dev.fmnist.image.encode.Normalization;
import dev.fmnist.models.BuiltModel;
import dev.fmnist.models.ModelBuilder;
import dev.fmnist.models.plugins.ModelRegistry;
import dev.fmnist.runtime.model.ModelFile;
import dev.fmnist.runtime.model.ModelManifest;
import dev.fmnist.runtime.model.SavedModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Writes the model-file fixture of format 3 ({@code src/test/resources/fixtures}), an ensemble, which
 * {@link EnsembleFixtureTest} loads in every later release. Run once per model-format change:
 * {@code java -cp <test class path> dev.fmnist.models.ensemble.EnsembleFixtureWriter FILE}. Its members are a small
 * cnn (a layer stack) and a tiny resnet (a graph), untrained: the fixture checks reading, not accuracy.
 */
public final class EnsembleFixtureWriter {

    private EnsembleFixtureWriter() {}

    public static void main(String[] args) throws Exception {
        ModelRegistry registry = new ModelRegistry(Optional.empty());
        Path folder = Files.createTempDirectory("fixture-members");
        List<Ensembles.Member> members = new ArrayList<>();
        for (String id : List.of("cnn", "resnet")) {
            Map<String, String> small = id.equals("cnn") ? Map.of("filters", "4", "width", "16")
                    : Map.of("blocks", "1", "width", "4");
            BuiltModel built = ModelBuilder.build(registry.get(id), 42, 10, ImageShape.FASHION_MNIST, small);
            ModelManifest manifest = new ModelManifest(ModelManifest.FORMAT_VERSION, "0.1.0", "1.0.0-M2.1", id, "1",
                    "built in", InputLayout.IMAGE, ImageShape.FASHION_MNIST, Normalization.scale(),
                    FashionClass.displayNames(), 42, small, 64, built.network().numParams(), "2026-12-06T00:00:00Z",
                    new ModelManifest.TrainingData("none: untrained", 0, 0, 0, ""), 0, null, List.of(), "none",
                    built.network().kind(), null);
            Path file = folder.resolve(id + ".zip");
            ModelFile.save(built.network(), manifest, file, false);
            members.add(new Ensembles.Member(file, ModelFile.load(file, false, registry)));
        }
        SavedModel ensemble = Ensembles.of(members, List.of(2.0, 1.0), true, registry);
        ModelFile.save(ensemble.network(), ensemble.manifest(), Path.of(args[0]), false);
    }
}
