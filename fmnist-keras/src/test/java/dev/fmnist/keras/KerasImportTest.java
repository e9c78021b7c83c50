package dev.fmnist.keras;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fmnist.api.InputLayout;
import dev.fmnist.api.data.LabelledImages;
import dev.fmnist.data.FashionClass;
import dev.fmnist.data.RealDataset;
import dev.fmnist.image.encode.Normalization;
import dev.fmnist.keras.KerasFixtures.Layer;
import dev.fmnist.keras.KerasFixtures.Model;
import dev.fmnist.runtime.model.ModelManifest;
import dev.fmnist.runtime.predict.Predictions;
import dev.fmnist.runtime.predict.Predictor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KerasImportTest {

    private static final KerasImport.Options FASHION = new KerasImport.Options("keras-model", Normalization.scale(),
            FashionClass.displayNames());

    @TempDir
    Path dir;

    /**
     * Each fixture's imported model answers, on real test images, what the same weights answer in a channels-last
     * forward pass written apart from DL4J: a wrong layout, kernel transpose or flatten order would show.
     */
    @ParameterizedTest
    @ValueSource(strings = {"dense", "cnn", "deep-cnn", "pooled", "residual"})
    void importedModelsAnswerAsKerasComputes(String name) throws Exception {
        Model model = fixture(name);
        Path run = KerasImport.importFile(model.write(dir.resolve(name + ".h5")), FASHION, dir.resolve("run"))
                .runDir();
        // the saved network names core DL4J classes only: it loads where the importer is absent (server, Spark)
        try (var zip = new java.util.zip.ZipFile(run.resolve("best.zip").toFile())) {
            String configuration = new String(zip.getInputStream(zip.getEntry("configuration.json")).readAllBytes(),
                    java.nio.charset.StandardCharsets.UTF_8);
            assertThat(configuration).contains("org.deeplearning4j.nn.conf").doesNotContain("modelimport");
        }

        LabelledImages images = RealDataset.get().testImages().subset(IntStream.range(0, 48).toArray());
        Predictions predictions = Predictor.load(run).withCalibration(false).predictions(images);
        double worst = 0;
        for (int i = 0; i < images.count(); i++) {
            float[] pixels = new float[784];
            for (int p = 0; p < 784; p++) {
                pixels[p] = images.pixel(i, p) / 255f;
            }
            double[] expected = ChannelsLastForward.probabilities(model.layers(), pixels);
            for (int c = 0; c < 10; c++) {
                worst = Math.max(worst, Math.abs(expected[c] - predictions.probability(i, c)));
            }
        }
        assertThat(worst).isLessThan(1e-4);
    }

    @Test
    void theManifestSaysWhereTheModelCameFrom() throws Exception {
        Path file = KerasFixtures.cnn().write(dir.resolve("shop-cnn.h5"));
        ModelManifest manifest = KerasImport.importFile(file, FASHION, dir.resolve("run")).manifest();

        assertThat(manifest.modelId()).isEqualTo("keras-model");
        assertThat(manifest.inputLayout()).isEqualTo(InputLayout.IMAGE);
        assertThat(manifest.classNames()).containsExactlyElementsOf(FashionClass.displayNames());
        assertThat(manifest.imported().file()).isEqualTo("shop-cnn.h5");
        assertThat(manifest.imported().sha256()).hasSize(64);
        assertThat(manifest.imported().version()).isEqualTo("2.4.0");
        assertThat(manifest.imported().backend()).isEqualTo("tensorflow");
        assertThat(manifest.imported().inputShape()).containsExactly(28L, 28L, 1L);
        assertThat(manifest.imported().conversion()).contains("channels-first", "reordered");
        assertThat(manifest.parameters()).isEqualTo(542_230);
        assertThat(Files.isRegularFile(dir.resolve("run").resolve("best.zip"))).isTrue();
    }

    @Test
    void aFunctionalModelBecomesAGraph() {
        Path file = KerasFixtures.residual().write(dir.resolve("residual.h5"));
        ModelManifest manifest = KerasImport.importFile(file, FASHION, dir.resolve("run")).manifest();
        assertThat(manifest.networkKind()).isEqualTo(dev.fmnist.runtime.model.Network.Kind.GRAPH);
        assertThat(manifest.inputLayout()).isEqualTo(InputLayout.IMAGE);
    }

    @Test
    void aFlatDenseModelReadsFlatRows() {
        Path file = KerasFixtures.dense().write(dir.resolve("dense.h5"));
        assertThat(KerasImport.importFile(file, FASHION, dir.resolve("run")).manifest().inputLayout())
                .isEqualTo(InputLayout.FLAT);
    }

    @Test
    void refusesAKeras3Archive() throws Exception {
        Path file = Files.write(dir.resolve("model.keras"), new byte[] {'P', 'K', 3, 4, 0, 0, 0, 0, 0});
        assertThatThrownBy(() -> KerasImport.importFile(file, FASHION, dir.resolve("run")))
                .isInstanceOf(KerasImportException.class)
                .hasMessageContaining("zip archive, the .keras format of Keras 3");
    }

    @Test
    void refusesAFileWrittenByKeras3() {
        Path file = KerasFixtures.cnn().write(dir.resolve("k3.h5"), "3.3.3");
        assertThatThrownBy(() -> KerasImport.importFile(file, FASHION, dir.resolve("run")))
                .hasMessageContaining("was written by Keras 3.3.3: DL4J's importer reads Keras 1 and 2 files only");
    }

    @Test
    void refusesAFileThatIsNotHdf5() throws Exception {
        Path file = Files.writeString(dir.resolve("model.h5"), "not a model\n");
        assertThatThrownBy(() -> KerasImport.importFile(file, FASHION, dir.resolve("run")))
                .hasMessageContaining("is not an HDF5 file");
    }

    @Test
    void refusesADamagedHdf5FileInASentence() throws Exception {
        byte[] damaged = new byte[600];
        System.arraycopy(new byte[] {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'}, 0, damaged, 0, 8);
        java.util.Arrays.fill(damaged, 8, damaged.length, (byte) 7);
        Path file = Files.write(dir.resolve("damaged.h5"), damaged);
        assertThatThrownBy(() -> KerasImport.importFile(file, FASHION, dir.resolve("run")))
                .isInstanceOf(KerasImportException.class)
                .hasMessageStartingWith(file + " could not be opened as HDF5");
    }

    @Test
    void refusesAFileOfWeightsOnly() {
        Model model = KerasFixtures.cnn();
        Path file = dir.resolve("weights.h5");
        KerasH5Writer.write(file, null, "2.4.0", model.layers().stream()
                .map(l -> new KerasH5Writer.LayerWeights(l.name(), l.weights())).toList());
        assertThatThrownBy(() -> KerasImport.importFile(file, FASHION, dir.resolve("run")))
                .hasMessageContaining("holds no model_config: it is a file of weights only (save_weights)");
    }

    @Test
    void refusesALayerTheImporterDoesNotSupportNamingIt() {
        List<Layer> layers = new ArrayList<>(KerasFixtures.cnn().layers());
        layers.add(1, new Layer("RandomFlip", "random_flip",
                new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode().put("mode", "horizontal"),
                List.of()));
        Path file = new Model("flip", layers, new long[] {28, 28, 1}).write(dir.resolve("flip.h5"));
        assertThatThrownBy(() -> KerasImport.importFile(file, FASHION, dir.resolve("run")))
                .hasMessageContaining("the model's layer 'random_flip' (RandomFlip) is not supported by DL4J");
    }

    @Test
    void refusesARescalingLayerPointingToScale() {
        List<Layer> layers = new ArrayList<>(KerasFixtures.cnn().layers());
        layers.add(0, new Layer("Rescaling", "rescaling",
                new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode().put("scale", 1 / 255.0)
                        .put("offset", 0.0), List.of()));
        Path file = new Model("rescaled", layers, new long[] {28, 28, 1}).write(dir.resolve("rescaled.h5"));
        assertThatThrownBy(() -> KerasImport.importFile(file, FASHION, dir.resolve("run")))
                .hasMessageContaining("'rescaling' (Rescaling) is not supported")
                .hasMessageContaining("--scale");
    }

    @Test
    void refusesAnInputThatIsNotA28x28GreyImage() {
        Model cnn = KerasFixtures.cnn();
        Path file = new Model("rgb", cnn.layers(), new long[] {32, 32, 3}).write(dir.resolve("rgb.h5"));
        assertThatThrownBy(() -> KerasImport.importFile(file, FASHION, dir.resolve("run")))
                .hasMessageContaining("the model takes inputs of shape [32, 32, 3]")
                .hasMessageContaining("28x28 grey images");
    }

    @Test
    void refusesAnOutputThatIsNotASoftmax() {
        List<Layer> layers = new ArrayList<>(KerasFixtures.dense().layers());
        Layer last = layers.remove(layers.size() - 1);
        ObjectNode config = last.config().deepCopy().put("activation", "relu");
        layers.add(new Layer(last.kind(), last.name(), config, last.weights()));
        Path file = new Model("relu", layers, new long[] {28, 28}).write(dir.resolve("relu.h5"));
        assertThatThrownBy(() -> KerasImport.importFile(file, FASHION, dir.resolve("run")))
                .hasMessageContaining("the model's last layer, 'dense_2', is not a Dense layer with a softmax");
    }

    @Test
    void refusesAnOutputOfAnotherClassCount() {
        KerasImport.Options five = new KerasImport.Options("five", Normalization.scale(),
                List.of("a", "b", "c", "d", "e"));
        Path file = KerasFixtures.dense().write(dir.resolve("dense.h5"));
        assertThatThrownBy(() -> KerasImport.importFile(file, five, dir.resolve("run")))
                .hasMessageContaining("has 10 units but there are 5 classes");
    }

    @Test
    void refusesAFolderThatHoldsARunAlready() {
        Path file = KerasFixtures.dense().write(dir.resolve("dense.h5"));
        KerasImport.importFile(file, FASHION, dir.resolve("run"));
        assertThatThrownBy(() -> KerasImport.importFile(file, FASHION, dir.resolve("run")))
                .hasMessageContaining("already holds a model");
    }

    private static Model fixture(String name) {
        return switch (name) {
            case "dense" -> KerasFixtures.dense();
            case "cnn" -> KerasFixtures.cnn();
            case "deep-cnn" -> KerasFixtures.deepCnn();
            case "pooled" -> KerasFixtures.pooled();
            default -> KerasFixtures.residual();
        };
    }
}
