package dev.fmnist.runtime.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fmnist.api.ImageShape;
import dev.fmnist.api.InputLayout;
import dev.fmnist.api.training.EpochMetrics;
import dev.fmnist.data.FashionClass;
import dev.fmnist.image.encode.Normalization;
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
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
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
                List.of(metrics), "none", formatVersion >= 2 ? Network.Kind.LAYERS : null, null);
    }

    static Network network() {
        return new Network.Layers(layerStack());
    }

    static MultiLayerNetwork layerStack() {
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
        Network network = network();
        Path file = dir.resolve("best.zip");
        ModelFile.save(network, manifest(2), file, true);

        SavedModel loaded = ModelFile.load(file, true);
        assertThat(loaded.manifest()).isEqualTo(manifest(2));
        assertThat(loaded.network().kind()).isEqualTo(Network.Kind.LAYERS);
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
        ModelSerializer.writeModel(layerStack(), plain.toFile(), false);
        assertThatThrownBy(() -> ModelFile.load(plain, false))
                .hasMessage(plain + " has no fmnist-manifest.json: it is not an fmnist model (a plain DL4J model file has no manifest)");
    }

    @Test
    void anEnsembleManifestWithoutMembersIsRefusedInASentence() throws IOException {
        Path file = dir.resolve("hollow.zip");
        ModelFile.save(network(), manifest(2), file, false);
        var json = (com.fasterxml.jackson.databind.node.ObjectNode) Json.MAPPER.valueToTree(manifest(3));
        json.putObject("ensemble").put("flipAveraging", true).putArray("members");
        String hollow = Json.MAPPER.writeValueAsString(json);
        try (FileSystem zip = FileSystems.newFileSystem(URI.create("jar:" + file.toUri()), Map.of())) {
            Files.writeString(zip.getPath(ModelFile.MANIFEST_ENTRY), hollow);
        }
        assertThatThrownBy(() -> ModelFile.manifest(file)).isInstanceOf(ModelFileException.class)
                .hasMessageContaining("cannot read the manifest of " + file)
                .hasMessageContaining("an ensemble's manifest lists no member");
    }

    @Test
    void aNewerFormatIsRefusedWithBothVersions() throws IOException {
        Path file = dir.resolve("future.zip");
        ModelFile.save(network(), manifest(2), file, false);
        try (FileSystem zip = FileSystems.newFileSystem(URI.create("jar:" + file.toUri()), Map.of())) {
            Files.write(zip.getPath(ModelFile.MANIFEST_ENTRY), Json.MAPPER.writeValueAsBytes(manifest(7)));
        }
        assertThatThrownBy(() -> ModelFile.load(file, false))
                .hasMessageContaining("was written in model format 7 by fmnist 0.1.0")
                .hasMessageContaining("reads format 3 and older");
    }

    /**
     * DL4J reads {@code preprocessor.bin} with a plain ObjectInputStream: a file carrying it (a gadget chain, say)
     * is refused before DL4J opens it, and so is any other entry the platform does not write.
     */
    @Test
    void aFileWithEntriesThePlatformNeverWritesIsRefusedUnread() throws IOException {
        for (String entry : List.of("preprocessor.bin", "normalizer.bin", "payload.ser")) {
            Path file = dir.resolve(entry + ".zip");
            ModelFile.save(network(), manifest(2), file, false);
            try (FileSystem zip = FileSystems.newFileSystem(URI.create("jar:" + file.toUri()), Map.of())) {
                // not a valid serialized object: if anything deserialized it, the load would fail another way
                Files.write(zip.getPath(entry), new byte[] {(byte) 0xAC, (byte) 0xED, 0, 5, 's', 'r'});
            }
            assertThatThrownBy(() -> ModelFile.load(file, false)).as(entry)
                    .isInstanceOf(ModelFileException.class)
                    .hasMessageStartingWith(file + " holds the entry '" + entry + "', which fmnist model files never have")
                    .hasMessageEndingWith("refused unread");
        }
    }

    /**
     * A zip whose local headers (what DL4J's ZipInputStream reads) hold preprocessor.bin while its central directory
     * (what ZipFile lists) does not: the load checks the bytes DL4J is given, so the hidden entry is found.
     */
    @Test
    void anEntryHiddenFromTheCentralDirectoryIsFoundAndRefused() throws IOException {
        Path legit = dir.resolve("legit.zip");
        ModelFile.save(network(), manifest(2), legit, false);
        java.io.ByteArrayOutputStream hidden = new java.io.ByteArrayOutputStream();
        try (ZipOutputStream out = new ZipOutputStream(hidden)) {
            out.putNextEntry(new ZipEntry("preprocessor.bin"));
            out.write(new byte[] {(byte) 0xAC, (byte) 0xED, 0, 5});
            out.closeEntry();
        }
        byte[] one = hidden.toByteArray();
        int centralDirectory = 0;
        while (!(one[centralDirectory] == 'P' && one[centralDirectory + 1] == 'K' && one[centralDirectory + 2] == 1
                && one[centralDirectory + 3] == 2)) {
            centralDirectory++;
        }
        Path file = dir.resolve("smuggled.zip");
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(one, 0, centralDirectory); // the entry's local header and data only
            out.write(Files.readAllBytes(legit));
        }
        assertThat(ModelFile.manifest(file).modelId()).as("the central directory looks like a model").isEqualTo("mlp");
        assertThatThrownBy(() -> ModelFile.load(file, false)).isInstanceOf(ModelFileException.class)
                .hasMessageStartingWith(file + " holds the entry 'preprocessor.bin'");
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
            ModelFile.save(new Network.Layers(network), manifest(2), file, true);
            var loaded = (MultiLayerNetwork) ModelFile.load(file, true).network().model();
            var layer = (org.deeplearning4j.nn.conf.layers.BaseLayer) loaded.getLayerWiseConfigurations().getConf(0)
                    .getLayer();
            assertThat(((Adam) layer.getIUpdater()).getLearningRateSchedule()).isEqualTo(schedule);
        }
    }

    /** A small residual graph: conv, a block whose input skips over two convolutions, pooling, softmax. */
    static ComputationGraph graph() {
        ComputationGraph graph = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(42)
                .updater(new Adam(0.001)).graphBuilder()
                .addInputs("image")
                .setInputTypes(InputType.convolutional(28, 28, 1))
                .addLayer("stem", new ConvolutionLayer.Builder(3, 3).nOut(4).convolutionMode(ConvolutionMode.Same)
                        .activation(Activation.RELU).build(), "image")
                .addLayer("conv-a", new ConvolutionLayer.Builder(3, 3).nOut(4).convolutionMode(ConvolutionMode.Same)
                        .activation(Activation.RELU).build(), "stem")
                .addLayer("conv-b", new ConvolutionLayer.Builder(3, 3).nOut(4).convolutionMode(ConvolutionMode.Same)
                        .activation(Activation.IDENTITY).build(), "conv-a")
                .addVertex("add", new ElementWiseVertex(ElementWiseVertex.Op.Add), "stem", "conv-b")
                .addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "add")
                .addLayer("output", new OutputLayer.Builder(LossFunction.MCXENT).nOut(10).activation(Activation.SOFTMAX)
                        .build(), "pool")
                .setOutputs("output")
                .build());
        graph.init();
        return graph;
    }

    private static ModelManifest graphManifest() {
        ModelManifest layers = manifest(2);
        return new ModelManifest(2, layers.platformVersion(), layers.dl4jVersion(), "residual", "1", "test",
                InputLayout.IMAGE, layers.imageShape(), layers.normalization(), layers.classNames(), 42, Map.of(), 64,
                graph().numParams(), layers.trainedAt(), layers.data(), 1, null, List.of(), "none", Network.Kind.GRAPH,
                null);
    }

    @Test
    void aGraphSavesAndLoadsAsAGraphWithItsOptimizerState() {
        ComputationGraph graph = graph();
        INDArray input = Nd4j.rand(DataType.FLOAT, 4, 1, 28, 28);
        graph.fit(new org.nd4j.linalg.dataset.DataSet(input, Nd4j.eye(10).getRows(0, 1, 2, 3)));
        Path file = dir.resolve("graph.zip");
        ModelFile.save(new Network.Graph(graph), graphManifest(), file, true);

        SavedModel loaded = ModelFile.load(file, true);
        assertThat(loaded.network().kind()).isEqualTo(Network.Kind.GRAPH);
        assertThat(loaded.manifest().network()).isEqualTo(Network.Kind.GRAPH);
        assertThat(loaded.network().output(input)).isEqualTo(graph.outputSingle(false, input));
        assertThat(((ComputationGraph) loaded.network().model()).getUpdater().getStateViewArray())
                .as("Adam's moments, for --resume").isEqualTo(graph.getUpdater().getStateViewArray());
    }

    @Test
    void aManifestThatMisnamesTheNetworkKindIsRefusedOnSave() {
        assertThatThrownBy(() -> ModelFile.save(new Network.Graph(graph()), manifest(2), dir.resolve("x.zip"), false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the manifest says the network is a layers network but it is a graph network");
    }

    @Test
    void theManifestNamesTheKindInJsonAndAFormat1ManifestMeansLayers() throws IOException {
        assertThat(Json.MAPPER.writeValueAsString(graphManifest())).contains("\"network\" : \"graph\"");
        assertThat(manifest(1).networkKind()).isEqualTo(Network.Kind.LAYERS);
    }
}
