package dev.fmnist.runtime.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fmnist.api.ImageShape;
import dev.fmnist.api.InputLayout;
import dev.fmnist.api.training.EpochMetrics;
import dev.fmnist.data.FashionClass;
import dev.fmnist.data.prep.Normalization;
import dev.fmnist.runtime.run.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

class ModelFileTest {

    @TempDir
    Path dir;

    static ModelManifest manifest(int formatVersion) {
        EpochMetrics metrics = new EpochMetrics(3, 0.3, 0.9, 0.35, 0.88, 0.001, 5000, 10000);
        return new ModelManifest(formatVersion, "0.1.0", "1.0.0-M2.1", "mlp", "0.1.0", "built in", InputLayout.FLAT,
                ImageShape.FASHION_MNIST, new Normalization(Normalization.Kind.STANDARDIZE, 0.286, 0.353),
                FashionClass.displayNames(), 42, Map.of("learning-rate", "0.001"), 64, 109_386,
                "2026-11-24T09:00:00Z", new ModelManifest.TrainingData("test", 54_000, 6_000, 0.1, "abc"), 3, metrics,
                List.of(metrics), "none");
    }

    static MultiLayerNetwork network() {
        MultiLayerNetwork network = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(42)
                .updater(new Adam(0.001)).list()
                .layer(new DenseLayer.Builder().nOut(16).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunction.MCXENT).nOut(10).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.feedForward(784))
                .build());
        network.init();
        return network;
    }

    @Test
    void savesAndLoadsTheNetworkWithItsManifest() throws IOException {
        MultiLayerNetwork network = network();
        Path file = dir.resolve("best.zip");
        ModelFile.save(network, manifest(1), file, true);

        SavedModel loaded = ModelFile.load(file, true);
        assertThat(loaded.manifest()).isEqualTo(manifest(1));
        INDArray input = Nd4j.rand(5, 784);
        assertThat(loaded.network().output(input)).isEqualTo(network.output(input));
        assertThat(ModelFile.manifest(file).normalization().mean()).isEqualTo(0.286);
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).as("no temporary file left").containsExactly("best.zip");
        }
    }

    @Test
    void aFileThatIsNotAModelSaysSo() throws IOException {
        Path text = Files.writeString(dir.resolve("notes.zip"), "hello");
        assertThatThrownBy(() -> ModelFile.load(text, false))
                .isInstanceOf(ModelFileException.class)
                .hasMessage(text + " is not a model file (not a zip archive)");
        assertThatThrownBy(() -> ModelFile.load(dir.resolve("missing.zip"), false))
                .hasMessage("no model file at " + dir.resolve("missing.zip"));
    }

    @Test
    void aPlainDl4jModelHasNoManifest() throws IOException {
        Path plain = dir.resolve("plain.zip");
        ModelSerializer.writeModel(network(), plain.toFile(), false);
        assertThatThrownBy(() -> ModelFile.load(plain, false))
                .hasMessage(plain + " has no fmnist-manifest.json: it is not an fmnist model (a plain DL4J model file has no manifest)");
    }

    @Test
    void aNewerFormatIsRefusedWithBothVersions() throws IOException {
        Path file = dir.resolve("future.zip");
        ModelFile.save(network(), manifest(1), file, false);
        try (FileSystem zip = FileSystems.newFileSystem(URI.create("jar:" + file.toUri()), Map.of())) {
            Files.write(zip.getPath(ModelFile.MANIFEST_ENTRY), Json.MAPPER.writeValueAsBytes(manifest(7)));
        }
        assertThatThrownBy(() -> ModelFile.load(file, false))
                .hasMessageContaining("was written in model format 7 by fmnist 0.1.0")
                .hasMessageContaining("reads format 1 and older");
    }

    @Test
    void aCorruptNetworkIsReportedWithTheDl4jVersions() throws IOException {
        Path file = dir.resolve("corrupt.zip");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(file))) {
            out.putNextEntry(new ZipEntry(ModelFile.MANIFEST_ENTRY));
            out.write(Json.MAPPER.writeValueAsBytes(manifest(1)));
            out.closeEntry();
            out.putNextEntry(new ZipEntry("configuration.json"));
            try (OutputStream ignored = OutputStream.nullOutputStream()) {
                out.write("{ not json".getBytes());
            }
            out.closeEntry();
        }
        assertThatThrownBy(() -> ModelFile.load(file, false))
                .isInstanceOf(ModelFileException.class)
                .hasMessageStartingWith(file + ": DL4J 1.0.0-M2.1 wrote it (model 'mlp' from built in) but DL4J 1.0.0-M2.1 "
                        + "cannot restore the network here");
    }

    @Test
    void theScheduleOfTheSpiSurvivesSaveAndLoad() {
        for (var schedule : new org.nd4j.linalg.schedule.ISchedule[] {
                new dev.fmnist.api.schedule.WarmupCosineSchedule(0.1, 0, 12, 2),
                new dev.fmnist.api.schedule.OneCycleSchedule(0.05, 20)}) {
            MultiLayerNetwork network = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(1)
                    .updater(new Adam(schedule)).list()
                    .layer(new OutputLayer.Builder(LossFunction.MCXENT).nOut(10).activation(Activation.SOFTMAX).build())
                    .setInputType(InputType.feedForward(784)).build());
            network.init();
            Path file = dir.resolve("scheduled.zip");
            ModelFile.save(network, manifest(1), file, true);
            var layer = (org.deeplearning4j.nn.conf.layers.BaseLayer) ModelFile.load(file, true).network()
                    .getLayerWiseConfigurations().getConf(0).getLayer();
            assertThat(((Adam) layer.getIUpdater()).getLearningRateSchedule()).isEqualTo(schedule);
        }
    }
}
