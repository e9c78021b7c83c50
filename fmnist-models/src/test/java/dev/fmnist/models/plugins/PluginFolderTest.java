package dev.fmnist.models.plugins;

import static dev.fmnist.models.plugins.PluginJars.jar;
import static dev.fmnist.models.plugins.PluginJars.modelPlugin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fmnist.api.ApiVersion;
import dev.fmnist.api.ImageShape;
import dev.fmnist.api.InputLayout;
import dev.fmnist.image.encode.Normalization;
import dev.fmnist.models.BuiltModel;
import dev.fmnist.models.ModelBuilder;
import dev.fmnist.models.ModelException;
import dev.fmnist.runtime.model.ModelFile;
import dev.fmnist.runtime.model.ModelFileException;
import dev.fmnist.runtime.model.ModelManifest;
import dev.fmnist.runtime.model.Network;
import dev.fmnist.runtime.model.SavedModel;
import dev.fmnist.runtime.plugins.PluginClasses;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Real plugin JARs, compiled by the test, dropped in a plugins folder. */
class PluginFolderTest {

    @TempDir
    Path plugins;

    private static final Map<String, String> CURRENT_API = Map.of(ApiVersion.MANIFEST_ATTRIBUTE, ApiVersion.current());

    private Path goodJar(String name, String className, String id) {
        return jar(plugins.resolve(name), Map.of(className, modelPlugin(className, id, "", "")),
                List.of("test.plugins." + className), CURRENT_API, Map.of());
    }

    private ModelRegistry registry() {
        return new ModelRegistry(Optional.of(plugins));
    }

    @Test
    void aJarInTheFolderIsLoadedInItsOwnClassLoaderAndTrainsLikeABuiltIn() {
        Path jar = goodJar("softmax.jar", "Softmax", "softmax");
        ModelRegistry registry = registry();

        RegisteredPlugin plugin = registry.get("softmax");
        assertThat(plugin.origin()).isEqualTo(jar.toString());
        assertThat(plugin.plugin().getClass().getClassLoader()).isInstanceOf(PluginClassLoader.class);
        // The SPI and DL4J come from the platform, so the plugin's network is the platform's type.
        assertThat(plugin.plugin()).isInstanceOf(dev.fmnist.api.ModelPlugin.class);
        BuiltModel built = ModelBuilder.build(plugin, 1, 10, dev.fmnist.api.ImageShape.FASHION_MNIST, Map.of());
        assertThat(built.network().numParams()).isEqualTo(784 * 10 + 10);
        assertThat(registry.plugins()).extracting(RegisteredPlugin::id).containsExactly("mlp", "cnn", "deep-cnn", "vgg", "resnet",
                "softmax");
        assertThat(registry.problems()).isEmpty();
    }

    @Test
    void aNetworkUsingThePluginsOwnClassesIsSavedAndLoadedThroughThePluginsLoader(@TempDir Path models) {
        jar(plugins.resolve("halved.jar"), Map.of("Halved", HALVED_PLUGIN, "HalfRelu", HALF_RELU),
                List.of("test.plugins.Halved"), CURRENT_API, Map.of());
        ModelRegistry registry = registry();
        BuiltModel built = ModelBuilder.build(registry.get("halved"), 1, 10, ImageShape.FASHION_MNIST, Map.of());
        Path file = models.resolve("best.zip");
        ModelFile.save(built.network(), manifest("halved", built), file, false);

        assertThatThrownBy(() -> ModelFile.load(file, false, PluginClasses.platform()))
                .as("the platform's classes alone do not know the plugin's activation")
                .isInstanceOf(ModelFileException.class).hasMessageContaining("cannot restore the network");
        SavedModel loaded = ModelFile.load(file, false, registry);
        INDArray input = Nd4j.rand(DataType.FLOAT, 3, 784);
        assertThat(loaded.network().output(input)).isEqualTo(built.network().output(input));
        assertThat(loaded.network().layers()[0].conf().getLayer().toString()).contains("halfrelu");

        // an ensemble of the plugin's models is restored through the same loader
        BuiltModel other = ModelBuilder.build(registry.get("halved"), 2, 10, ImageShape.FASHION_MNIST, Map.of());
        Path second = models.resolve("second.zip");
        ModelFile.save(other.network(), manifest("halved", other), second, false);
        SavedModel ensemble = dev.fmnist.models.ensemble.Ensembles.of(List.of(
                new dev.fmnist.models.ensemble.Ensembles.Member(file, loaded),
                new dev.fmnist.models.ensemble.Ensembles.Member(second, ModelFile.load(second, false, registry))),
                List.of(), false, registry);
        Path pair = models.resolve("pair.zip");
        ModelFile.save(ensemble.network(), ensemble.manifest(), pair, false);
        assertThat(registry.loaderFor(ModelFile.manifest(pair))).as("the plugin's loader, not the platform's")
                .isSameAs(registry.loaderFor(ModelFile.manifest(file)))
                .isNotSameAs(PluginClasses.platform().loaderFor(ModelFile.manifest(file)));
        assertThat(ModelFile.load(pair, false, registry).network().output(input))
                .isEqualTo(ensemble.network().output(input));
    }

    private static ModelManifest manifest(String id, BuiltModel built) {
        return new ModelManifest(ModelManifest.FORMAT_VERSION, "test", "test", id, "1", "test", InputLayout.FLAT,
                ImageShape.FASHION_MNIST, Normalization.scale(), dev.fmnist.data.FashionClass.displayNames(), 1,
                Map.of(), 32, built.network().numParams(), "2026-01-01T00:00:00Z",
                new ModelManifest.TrainingData("none", 0, 0, 0, ""), 1, null, List.of(), "none",
                built.network().kind(), null);
    }

    /** An activation class that exists only in the plugin's JAR. */
    private static final String HALF_RELU = """
            package test.plugins;

            import org.nd4j.common.primitives.Pair;
            import org.nd4j.linalg.activations.BaseActivationFunction;
            import org.nd4j.linalg.activations.impl.ActivationReLU;
            import org.nd4j.linalg.api.ndarray.INDArray;

            public class HalfRelu extends BaseActivationFunction {
                public INDArray getActivation(INDArray in, boolean training) {
                    return new ActivationReLU().getActivation(in, training).muli(0.5);
                }
                public Pair<INDArray, INDArray> backprop(INDArray in, INDArray epsilon) {
                    return new ActivationReLU().backprop(in, epsilon.mul(0.5));
                }
                public String toString() { return "halfrelu"; }
            }
            """;

    private static final String HALVED_PLUGIN = """
            package test.plugins;

            import dev.fmnist.api.*;
            import java.util.Map;
            import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
            import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
            import org.deeplearning4j.nn.conf.inputs.InputType;
            import org.deeplearning4j.nn.conf.layers.DenseLayer;
            import org.deeplearning4j.nn.conf.layers.OutputLayer;
            import org.nd4j.linalg.activations.Activation;
            import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

            public class Halved implements ModelPlugin {
                public String id() { return "halved"; }
                public String description() { return "a dense layer with the plugin's own activation"; }
                public InputLayout inputLayout() { return InputLayout.FLAT; }
                public Map<String, String> defaultHyperparameters() { return Map.of(); }
                public MultiLayerConfiguration build(ModelSpec spec) {
                    return new NeuralNetConfiguration.Builder().seed(spec.seed()).list()
                            .layer(new DenseLayer.Builder().nOut(16).activation(new HalfRelu()).build())
                            .layer(new OutputLayer.Builder(LossFunction.MCXENT).nOut(spec.numClasses())
                                    .activation(Activation.SOFTMAX).build())
                            .setInputType(InputType.feedForward(spec.inputShape().pixels())).build();
                }
            }
            """;

    @Test
    void learningRateAndBatchSizeWorkForAPluginThatDoesNotDeclareThem() {
        goodJar("softmax.jar", "Softmax", "softmax");  // declares only batch-size
        RegisteredPlugin plugin = registry().get("softmax");
        BuiltModel built = ModelBuilder.build(plugin, 1, 10, ImageShape.FASHION_MNIST,
                Map.of("learning-rate", "0.05", "batch-size", "16"));
        assertThat(built.network().learningRate()).as("set by the platform on the built network").isEqualTo(0.05);
        assertThat(ModelBuilder.batchSize(built.hyperparameters())).isEqualTo(16);
        assertThatThrownBy(() -> ModelBuilder.build(plugin, 1, 10, ImageShape.FASHION_MNIST,
                Map.of("learning-rate", "-1")))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("hyperparameter 'learning-rate' = -1.0 must be positive");
        assertThatThrownBy(() -> ModelBuilder.build(plugin, 1, 10, ImageShape.FASHION_MNIST, Map.of("width", "8")))
                .hasMessageContaining("has no hyperparameter 'width'; it accepts: augment, average, batch-size, epochs, "
                        + "label-smoothing, learning-rate, snapshots, teacher, teacher-temperature, teacher-weight");
    }

    @Test
    void aSubFolderOfJarsIsOnePlugin() {
        Path folder = plugins.resolve("team-models");
        jar(folder.resolve("models.jar"), Map.of("Wide", modelPlugin("Wide", "wide", "", "")), List.of("test.plugins.Wide"),
                CURRENT_API, Map.of());
        assertThat(registry().get("wide").origin()).isEqualTo(folder.toString());
    }

    @Test
    void duplicateIdsAreRefusedAndNameTheFirstOwner() {
        goodJar("a-softmax.jar", "Softmax", "softmax");
        Path second = goodJar("b-softmax.jar", "Softmax2", "softmax");
        Path shadow = goodJar("c-cnn.jar", "Cnn", "cnn");
        ModelRegistry registry = registry();

        assertThat(registry.get("softmax").origin()).endsWith("a-softmax.jar");
        assertThat(registry.get("cnn").origin()).isEqualTo("built in");
        assertThat(registry.problems()).extracting(PluginProblem::toString).containsExactly(
                second + ": model id 'softmax' of test.plugins.Softmax2 is already taken by model 'softmax' ("
                        + plugins.resolve("a-softmax.jar") + "); this one is not loaded",
                shadow + ": model id 'cnn' of test.plugins.Cnn is already taken by model 'cnn' (built in); this one is not loaded");
    }

    @Test
    void aFileThatIsNotAJarIsReportedAndTheOthersStillLoad() {
        Path broken = PluginJars.notAJar(plugins.resolve("broken.jar"));
        goodJar("softmax.jar", "Softmax", "softmax");
        ModelRegistry registry = registry();

        assertThat(registry.get("softmax")).isNotNull();
        assertThat(registry.problems()).singleElement().satisfies(problem -> {
            assertThat(problem.origin()).isEqualTo(broken.toString());
            assertThat(problem.message()).startsWith("is not a readable JAR file");
        });
    }

    @Test
    void aPluginWhoseConstructorThrowsIsReportedWithItsClassAndCause() {
        jar(plugins.resolve("throws.jar"), Map.of("Angry", modelPlugin("Angry", "angry",
                "throw new IllegalStateException(\"licence server unreachable\");", "")),
                List.of("test.plugins.Angry"), CURRENT_API, Map.of());
        goodJar("softmax.jar", "Softmax", "softmax");
        ModelRegistry registry = registry();

        assertThat(registry.get("softmax")).isNotNull();
        assertThat(registry.problems()).singleElement().satisfies(problem -> assertThat(problem.toString())
                .startsWith(plugins.resolve("throws.jar") + ": cannot create test.plugins.Angry: ")
                .contains("licence server unreachable"));
        assertThatThrownBy(() -> registry.get("angry"))
                .hasMessageContaining("unknown model 'angry'")
                .hasMessageContaining("plugins that failed to load: " + plugins.resolve("throws.jar"));
    }

    @Test
    void aPluginWhoseBuildThrowsFailsOnlyThatBuildNamingTheJar() {
        Path jar = jar(plugins.resolve("bad-build.jar"), Map.of("BadBuild", modelPlugin("BadBuild", "bad-build", "",
                "if (true) throw new UnsupportedOperationException(\"no GPU kernel for this layer\");")),
                List.of("test.plugins.BadBuild"), CURRENT_API, Map.of());
        ModelRegistry registry = registry();

        assertThatThrownBy(() -> ModelBuilder.build(registry.get("bad-build"), 1, 10, dev.fmnist.api.ImageShape.FASHION_MNIST, Map.of()))
                .isInstanceOf(ModelException.class)
                .hasMessageStartingWith("model 'bad-build' (" + jar + ") failed to build its network: ")
                .hasMessageContaining("no GPU kernel for this layer");
        assertThat(ModelBuilder.build(registry.get("mlp"), 1, 10, dev.fmnist.api.ImageShape.FASHION_MNIST, Map.of()).network().numParams()).isEqualTo(109_386);
    }

    @Test
    void aJarBundlingNd4jIsRefusedWithASentenceSayingSo() {
        Path jar = jar(plugins.resolve("fat.jar"), Map.of("Softmax", modelPlugin("Softmax", "softmax", "", "")),
                List.of("test.plugins.Softmax"), CURRENT_API,
                Map.of("org/nd4j/linalg/factory/Nd4j.class", new byte[] {(byte) 0xCA, (byte) 0xFE}));
        ModelRegistry registry = registry();

        assertThat(registry.problems()).singleElement().hasToString(jar + ": bundles org.nd4j.* classes "
                + "(org/nd4j/linalg/factory/Nd4j.class); the platform provides them: give those dependencies "
                + "<scope>provided</scope>");
        assertThat(registry.plugins()).extracting(RegisteredPlugin::id).doesNotContain("softmax");
    }

    @Test
    void aJarBuiltAgainstANewerMinorOrAnotherMajorApiIsRefusedAndAnOlderMinorLoads() {
        Path newer = jar(plugins.resolve("newer.jar"), Map.of("Softmax", modelPlugin("Softmax", "softmax", "", "")),
                List.of("test.plugins.Softmax"), Map.of(ApiVersion.MANIFEST_ATTRIBUTE, "0.9.0"), Map.of());
        assertThat(registry().problems()).singleElement().hasToString(newer + ": was built against fmnist-api 0.9.0, "
                + "newer than this platform's " + ApiVersion.current() + ": it may use what this platform lacks; "
                + "upgrade the platform or rebuild the plugin against 0.3");
        assertThat(ApiVersion.incompatibility("1.0.0")).hasValue("was built against fmnist-api 1.0.0 but this "
                + "platform provides " + ApiVersion.current() + " (the major versions must match)");
        assertThat(ApiVersion.incompatibility("latest")).hasValueSatisfying(s -> assertThat(s).contains("not a version"));

        jar(newer, Map.of("Softmax", modelPlugin("Softmax", "softmax", "", "")), List.of("test.plugins.Softmax"),
                Map.of(ApiVersion.MANIFEST_ATTRIBUTE, "0.1.0-SNAPSHOT"), Map.of());
        assertThat(registry().problems()).as("0.2 and 0.3 only added to 0.1").isEmpty();
        assertThat(registry().get("softmax").origin()).isEqualTo(newer.toString());
    }

    /** A plugin of SPI 0.2 describing a graph: a residual block whose input skips over two convolutions. */
    private static final String RESIDUAL_PLUGIN = """
            package test.plugins;

            import dev.fmnist.api.*;
            import java.util.Map;
            import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
            import org.deeplearning4j.nn.conf.ConvolutionMode;
            import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
            import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
            import org.deeplearning4j.nn.conf.inputs.InputType;
            import org.deeplearning4j.nn.conf.layers.*;
            import org.nd4j.linalg.activations.Activation;
            import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

            public class Residual implements ModelPlugin {
                public String id() { return "residual"; }
                public String description() { return "a residual block from a JAR"; }
                public InputLayout inputLayout() { return InputLayout.IMAGE; }
                public Map<String, String> defaultHyperparameters() { return Map.of("width", "4"); }
                public ComputationGraphConfiguration buildGraph(ModelSpec spec) {
                    int width = spec.hyperparameters().intInRange("width", 1, 64);
                    ImageShape shape = spec.inputShape();
                    return new NeuralNetConfiguration.Builder().seed(spec.seed()).graphBuilder()
                            .addInputs("image")
                            .setInputTypes(InputType.convolutional(shape.height(), shape.width(), shape.channels()))
                            .addLayer("stem", new ConvolutionLayer.Builder(3, 3).nOut(width)
                                    .convolutionMode(ConvolutionMode.Same).activation(Activation.RELU).build(), "image")
                            .addLayer("a", new ConvolutionLayer.Builder(3, 3).nOut(width)
                                    .convolutionMode(ConvolutionMode.Same).activation(Activation.RELU).build(), "stem")
                            .addLayer("b", new ConvolutionLayer.Builder(3, 3).nOut(width)
                                    .convolutionMode(ConvolutionMode.Same).activation(Activation.IDENTITY).build(), "a")
                            .addVertex("add", new ElementWiseVertex(ElementWiseVertex.Op.Add), "stem", "b")
                            .addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "add")
                            .addLayer("output", new OutputLayer.Builder(LossFunction.MCXENT).nOut(spec.numClasses())
                                    .activation(Activation.SOFTMAX).build(), "pool")
                            .setOutputs("output")
                            .build();
                }
            }
            """;

    @Test
    void aGraphPluginBuildsAComputationGraphCountedWithoutInitializingIt(@TempDir Path models) {
        jar(plugins.resolve("residual.jar"), Map.of("Residual", RESIDUAL_PLUGIN), List.of("test.plugins.Residual"),
                CURRENT_API, Map.of());
        ModelRegistry registry = registry();
        assertThat(registry.problems()).isEmpty();
        RegisteredPlugin plugin = registry.get("residual");
        BuiltModel built = ModelBuilder.build(plugin, 1, 10, ImageShape.FASHION_MNIST, Map.of("width", "6"));
        assertThat(built.network().kind()).isEqualTo(Network.Kind.GRAPH);
        assertThat(built.network().model()).isInstanceOf(ComputationGraph.class);
        assertThat(ModelBuilder.parameterCount(plugin, 10, ImageShape.FASHION_MNIST))
                .as("stem 1x9x4+4, two 4x9x4+4 convolutions, 4x10+10 output").isEqualTo(
                        (9 * 4 + 4) + 2 * (4 * 9 * 4 + 4) + (4 * 10 + 10));
        assertThat(built.network().numParams()).isEqualTo((9 * 6 + 6) + 2 * (6 * 9 * 6 + 6) + (6 * 10 + 10));

        Path file = models.resolve("best.zip");
        ModelFile.save(built.network(), manifest("residual", built), file, true);
        SavedModel loaded = ModelFile.load(file, true, registry);
        INDArray input = Nd4j.rand(DataType.FLOAT, 3, 1, 28, 28);
        assertThat(loaded.network().kind()).isEqualTo(Network.Kind.GRAPH);
        assertThat(loaded.network().output(input)).isEqualTo(built.network().output(input));
    }

    @Test
    void aGraphWithTwoOutputsIsRefusedWithASentence() {
        String twoOutputs = RESIDUAL_PLUGIN.replace("class Residual", "class TwoHeads")
                .replace("\"residual\"", "\"two-heads\"")
                .replace(".setOutputs(\"output\")", ".addLayer(\"second\", new OutputLayer.Builder(LossFunction.MCXENT)"
                        + ".nOut(2).activation(Activation.SOFTMAX).build(), \"pool\").setOutputs(\"output\", \"second\")");
        jar(plugins.resolve("two.jar"), Map.of("TwoHeads", twoOutputs), List.of("test.plugins.TwoHeads"), CURRENT_API,
                Map.of());
        assertThatThrownBy(() -> ModelBuilder.build(registry().get("two-heads"), 1, 10, ImageShape.FASHION_MNIST,
                Map.of()))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("built a graph with 1 inputs and 2 outputs; the platform feeds one image input "
                        + "and reads one class output");
    }

    @Test
    void aJarThatDoesNotStateItsApiVersionIsRefused() {
        Path jar = jar(plugins.resolve("unstated.jar"), Map.of("Softmax", modelPlugin("Softmax", "softmax", "", "")),
                List.of("test.plugins.Softmax"), Map.of(), Map.of());
        assertThat(registry().problems()).singleElement().hasToString(jar + ": states no Fmnist-Api-Version in its "
                + "manifest, so the platform cannot tell which SPI it was built for; add it (this platform provides "
                + ApiVersion.current() + ", see docs/PLUGINS.md)");
        assertThat(registry().plugins()).extracting(RegisteredPlugin::id).doesNotContain("softmax");
    }

    @Test
    void aJarWithoutAServiceFileSaysHowToDeclareOne() {
        Path jar = jar(plugins.resolve("empty.jar"), Map.of("Softmax", modelPlugin("Softmax", "softmax", "", "")),
                List.of(), CURRENT_API, Map.of());
        assertThat(registry().problems()).singleElement().satisfies(problem -> {
            assertThat(problem.origin()).isEqualTo(jar.toString());
            assertThat(problem.message()).contains("META-INF/services/dev.fmnist.api.ModelPlugin");
        });
    }

    @Test
    void otherFilesInTheFolderAreIgnored() throws Exception {
        java.nio.file.Files.writeString(plugins.resolve("README.md"), "drop JARs here");
        assertThat(registry().problems()).isEmpty();
        assertThat(registry().plugins()).extracting(RegisteredPlugin::origin).containsOnly("built in");
    }
}
