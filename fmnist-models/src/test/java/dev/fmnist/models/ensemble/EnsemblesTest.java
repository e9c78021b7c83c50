package dev.fmnist.models.ensemble;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fmnist.api.ImageShape;
import dev.fmnist.api.InputLayout;
import dev.fmnist.data.FashionClass;
import dev.fmnist.image.encode.Normalization;
import dev.fmnist.models.BuiltModel;
import dev.fmnist.models.ModelBuilder;
import dev.fmnist.models.ModelException;
import dev.fmnist.models.plugins.ModelRegistry;
import dev.fmnist.runtime.model.ModelFile;
import dev.fmnist.runtime.model.ModelManifest;
import dev.fmnist.runtime.model.SavedModel;
import dev.fmnist.runtime.predict.EncodedBatch;
import dev.fmnist.runtime.predict.Predictor;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** An ensemble of a layer stack (the cnn) and a graph (a tiny resnet) is one graph network that averages them. */
class EnsemblesTest {

    @TempDir
    Path dir;

    private final ModelRegistry registry = new ModelRegistry(Optional.empty());

    @Test
    void itsOutputIsTheWeightedMeanOfItsMembersAndItSurvivesSavingAndLoading() {
        Ensembles.Member cnn = member("cnn", 1, Map.of("filters", "4", "width", "16"), InputLayout.IMAGE);
        Ensembles.Member resnet = member("resnet", 2, Map.of("blocks", "1", "width", "4"), InputLayout.IMAGE);
        SavedModel ensemble = Ensembles.of(List.of(cnn, resnet), List.of(3.0, 1.0), false, registry);

        INDArray images = Nd4j.rand(DataType.FLOAT, 5, 1, 28, 28);
        INDArray expected = cnn.model().network().output(images).mul(0.75)
                .addi(resnet.model().network().output(images).mul(0.25));
        assertThat(maxDifference(ensemble.network().output(images), expected)).isLessThan(1e-6);
        assertThat(ensemble.network().numParams())
                .isEqualTo(cnn.model().network().numParams() + resnet.model().network().numParams());
        assertThat(maxDifference(ensemble.network().embedding(images), cnn.model().network().embedding(images)))
                .as("its embedding is its first member's").isLessThan(1e-6);

        Path file = dir.resolve("ensemble.zip");
        ModelFile.save(ensemble.network(), ensemble.manifest(), file, false);
        SavedModel loaded = ModelFile.load(file, false, registry);
        assertThat(maxDifference(loaded.network().output(images), expected)).isLessThan(1e-6);
        ModelManifest.Ensemble recorded = loaded.manifest().ensemble();
        assertThat(loaded.manifest().formatVersion()).isEqualTo(ModelManifest.ENSEMBLE_FORMAT_VERSION);
        assertThat(recorded.members()).extracting(ModelManifest.Ensemble.Member::modelId).containsExactly("cnn", "resnet");
        assertThat(recorded.members()).extracting(ModelManifest.Ensemble.Member::weight).containsExactly(0.75, 0.25);
        assertThat(recorded.members().get(0).sha256()).hasSize(64);
    }

    @Test
    void anEnsembleMadeWithFlipsAveragesEveryImageWithItsMirror() {
        Ensembles.Member cnn = member("cnn", 1, Map.of("filters", "4", "width", "16"), InputLayout.IMAGE);
        Ensembles.Member other = member("cnn", 3, Map.of("filters", "4", "width", "16"), InputLayout.IMAGE);
        SavedModel flipped = Ensembles.of(List.of(cnn, other), List.of(), true, registry);
        SavedModel plain = Ensembles.of(List.of(cnn, other), List.of(), false, registry);
        Predictor withFlips = new Predictor(flipped.network(), flipped.manifest());
        assertThat(withFlips.flipAveraging()).isTrue();
        assertThat(withFlips.withFlipAveraging(false).flipAveraging()).as("it is part of the model").isTrue();

        byte[] image = new byte[28 * 28];
        new Random(7).nextBytes(image);
        byte[] mirror = new byte[image.length];
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                mirror[y * 28 + x] = image[y * 28 + 27 - x];
            }
        }
        Predictor plainPredictor = new Predictor(plain.network(), plain.manifest());
        float[] both = withFlips.probabilities(withFlips.encode(List.of(image)))[0];
        float[] once = plainPredictor.probabilities(plainPredictor.encode(List.of(image)))[0];
        float[] mirrored = plainPredictor.probabilities(plainPredictor.encode(List.of(mirror)))[0];
        for (int c = 0; c < both.length; c++) {
            assertThat((double) both[c]).isCloseTo((once[c] + mirrored[c]) / 2.0,
                    org.assertj.core.data.Offset.offset(1e-6));
        }
    }

    @Test
    void membersThatReadOtherInputsOrNameOtherClassesAreRefused() {
        Ensembles.Member cnn = member("cnn", 1, Map.of("filters", "4", "width", "16"), InputLayout.IMAGE);
        Ensembles.Member mlp = member("mlp", 1, Map.of("width", "16"), InputLayout.FLAT);
        assertThatThrownBy(() -> Ensembles.of(List.of(cnn, mlp), List.of(), false, registry))
                .isInstanceOf(ModelException.class)
                .hasMessage("cannot make an ensemble of " + cnn.modelFile() + " (cnn) and " + mlp.modelFile()
                        + " (mlp): they differ in input layouts IMAGE and FLAT (a flat model and an image model "
                        + "cannot share one input)");
        assertThatThrownBy(() -> Ensembles.of(List.of(cnn), List.of(), false, registry))
                .hasMessage("an ensemble needs two models or more, got 1");
        Ensembles.Member twin = member("cnn", 2, Map.of("filters", "4", "width", "16"), InputLayout.IMAGE);
        assertThatThrownBy(() -> Ensembles.of(List.of(cnn, twin), List.of(1.0), false, registry))
                .hasMessage("1 weights for 2 models: give one weight per model, or none for equal weights");
        assertThatThrownBy(() -> Ensembles.of(List.of(cnn, twin), List.of(1.0, -2.0), false, registry))
                .hasMessage("weights must be positive numbers, got -2.0");
    }

    private Ensembles.Member member(String id, long seed, Map<String, String> overrides, InputLayout layout) {
        BuiltModel built = ModelBuilder.build(registry.get(id), seed, 10, ImageShape.FASHION_MNIST, overrides);
        ModelManifest manifest = new ModelManifest(ModelManifest.FORMAT_VERSION, "test", "test", id, "1", "built in",
                layout, ImageShape.FASHION_MNIST, Normalization.scale(), FashionClass.displayNames(), seed, Map.of(),
                32, built.network().numParams(), "2026-01-01T00:00:00Z",
                new ModelManifest.TrainingData("none", 0, 0, 0, ""), 1, null, List.of(), "none",
                built.network().kind(), null);
        // as if trained: every parameter moved, the batch-normalization statistics among them
        built.network().model().params().addi(Nd4j.rand(DataType.FLOAT, built.network().numParams()).muli(0.05));
        Path file = dir.resolve(id + "-" + seed + ".zip");
        ModelFile.save(built.network(), manifest, file, false);
        return new Ensembles.Member(file, ModelFile.load(file, false, registry));
    }

    private static double maxDifference(INDArray a, INDArray b) {
        return Nd4j.math().abs(a.sub(b)).maxNumber().doubleValue();
    }
}
