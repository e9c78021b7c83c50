package dev.fmnist.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fmnist.api.ImageShape;
import dev.fmnist.api.ModelPlugin;
import dev.fmnist.image.encode.Normalization;
import dev.fmnist.models.ModelBuilder;
import dev.fmnist.models.plugins.PluginClassLoader;
import dev.fmnist.models.plugins.RegisteredPlugin;
import dev.fmnist.runtime.model.ModelFile;
import dev.fmnist.runtime.model.ModelManifest;
import dev.fmnist.runtime.model.Network;
import dev.fmnist.runtime.model.SavedModel;
import dev.fmnist.runtime.model.Versions;
import dev.fmnist.runtime.nativecpu.LayerHelpers;
import java.net.URL;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What every model plugin must do, built in or external. A plugin's test extends this class and returns
 * the plugin from {@link #plugin()}:
 *
 * <pre>{@code
 * class LeNet5PluginTest extends ModelPluginContract {
 *     protected ModelPlugin plugin() { return new LeNet5Plugin(); }
 * }
 * }</pre>
 *
 * It uses small synthetic images (no dataset needed): each class is a bright bar at its own height, so
 * any sensible network learns it within a few batches.
 */
public abstract class ModelPluginContract {

    private static final int CLASSES = 10;
    private static final ImageShape SHAPE = ImageShape.FASHION_MNIST;

    @TempDir
    Path folder;

    private static boolean helpersBefore;

    /** As the platform runs networks by default ({@code native-helpers=true}): on oneDNN's fused layer helpers. */
    @BeforeAll
    static void helpersAsThePlatformRunsThem() {
        helpersBefore = LayerHelpers.enabled();
        LayerHelpers.enable(true);
    }

    @AfterAll
    static void helpersAsBefore() {
        LayerHelpers.enable(helpersBefore);
    }

    /** The plugin under test, freshly constructed. */
    protected abstract ModelPlugin plugin();

    private Network build(long seed) {
        return build(plugin(), seed);
    }

    /**
     * Valid values other than the defaults for the keys {@link ChangedHyperparameters} cannot derive one for (a
     * word of the plugin's own, a whole number that must not be halved); override to give them.
     */
    protected Map<String, String> changedHyperparameters() {
        return Map.of();
    }

    private static Network build(ModelPlugin plugin, long seed) {
        return build(plugin, seed, Map.of());
    }

    /**
     * Through the platform's own build path ({@link ModelBuilder}): the defaults with {@code overrides} resolved and
     * checked as {@code --set} is, the plugin's graph if it describes one (one input, one output) or else its layer
     * stack, the oneDNN helpers set as a training sets them, and a {@code learning-rate} the plugin does not declare
     * set on the network.
     */
    private static Network build(ModelPlugin plugin, long seed, Map<String, String> overrides) {
        return ModelBuilder.build(new RegisteredPlugin(plugin, "contract test"), seed, CLASSES, SHAPE, overrides)
                .network();
    }

    /** {@code count} synthetic images in the plugin's layout: class c is a bright horizontal bar at rows 2c+3..2c+4. */
    private DataSet batch(int count, long seed) {
        Random random = new Random(seed);
        float[] pixels = new float[count * SHAPE.pixels()];
        float[] labels = new float[count * CLASSES];
        for (int i = 0; i < count; i++) {
            int label = i % CLASSES;
            labels[i * CLASSES + label] = 1;
            for (int p = 0; p < SHAPE.pixels(); p++) {
                int row = p / SHAPE.width();
                boolean bar = row == 2 * label + 3 || row == 2 * label + 4;
                pixels[i * SHAPE.pixels() + p] = bar ? 0.8f + 0.2f * random.nextFloat() : 0.1f * random.nextFloat();
            }
        }
        long[] shape = plugin().inputLayout().batchShape(count, SHAPE);
        return new DataSet(Nd4j.create(pixels, shape, 'c'), Nd4j.create(labels, new long[] {count, CLASSES}, 'c'));
    }

    @Test
    void declaresAnIdADescriptionAndItsHyperparameters() {
        ModelPlugin plugin = plugin();
        assertThat(plugin.id()).as("id").matches("[a-z0-9][a-z0-9._-]{0,63}");
        assertThat(plugin.description()).as("description").isNotBlank();
        assertThat(plugin.inputLayout()).as("input layout").isNotNull();
        assertThat(plugin.defaultHyperparameters()).as("default hyperparameters").isNotNull();
    }

    @Test
    void buildsForItsDeclaredInputLayoutWithASoftmaxOverTheClasses() {
        Network network = build(1);
        DataSet data = batch(20, 1);
        INDArray output = network.output(data.getFeatures());
        assertThat(output.shape()).as("output shape for input " + plugin().inputLayout())
                .containsExactly(20, CLASSES);
        INDArray sums = output.sum(1);
        for (int i = 0; i < 20; i++) {
            assertThat(sums.getDouble(i)).as("row %d sums to 1", i).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
        }
    }

    @Test
    void sameSeedGivesTheSameInitialWeights() {
        assertThat(build(7).model().params()).isEqualTo(build(7).model().params());
        assertThat(build(7).model().params()).isNotEqualTo(build(8).model().params());
    }

    @Test
    void trainsAFewBatches() {
        Network network = build(3);
        DataSet data = batch(64, 3);
        double before = network.score(data);
        INDArray initial = network.model().params().dup();
        for (int step = 0; step < 15; step++) {
            network.fit(data);
        }
        double after = network.score(data);
        assertThat(network.model().params()).as("parameters change").isNotEqualTo(initial);
        assertThat(after).as("loss after 15 steps on one batch").isFinite().isLessThan(before);
    }

    /**
     * Every declared hyperparameter works: for each key in turn, the network built with that key changed (the rest
     * at their defaults) trains a few batches to a finite loss. A key that fails here fails a user's first run.
     */
    @TestFactory
    Stream<DynamicTest> trainsWithEachDeclaredHyperparameterChanged() {
        ModelPlugin plugin = plugin();
        Map<String, String> defaults = plugin.defaultHyperparameters();
        return ChangedHyperparameters.of(defaults, changedHyperparameters()).entrySet().stream()
                .map(change -> DynamicTest.dynamicTest(change.getKey() + "=" + change.getValue(), () -> {
                    Network network = build(plugin, 11, Map.of(change.getKey(), change.getValue()));
                    DataSet data = batch(32, 11);
                    INDArray initial = network.model().params().dup();
                    for (int step = 0; step < 3; step++) {
                        network.fit(data);
                    }
                    assertThat(network.model().params()).as("parameters change").isNotEqualTo(initial);
                    assertThat(network.score(data)).as("loss after 3 steps").isFinite();
                }));
    }

    /**
     * As the platform runs it: the plugin's classes defined by a {@link PluginClassLoader} over the plugin's own
     * classes (its JAR, or its build's classes folder), the network saved as a model file and read back through
     * that loader, so a network using the plugin's own layer, activation or schedule classes restores for
     * {@code --resume}, {@code evaluate} and {@code serve}.
     */
    @Test
    void savesAndLoadsThroughItsOwnClassLoaderAndPredictsTheSame() throws Exception {
        URL classes = plugin().getClass().getProtectionDomain().getCodeSource().getLocation();
        try (PluginClassLoader loader = new PluginClassLoader("contract", new URL[] {classes},
                ModelPluginContract.class.getClassLoader())) {
            ModelPlugin isolated = (ModelPlugin) loader.loadClass(plugin().getClass().getName())
                    .getDeclaredConstructor().newInstance();
            assertThat(isolated.getClass().getClassLoader()).as("the plugin class's loader").isSameAs(loader);
            Network network = build(isolated, 5);
            DataSet data = batch(32, 5);
            network.fit(data);
            Path file = folder.resolve("model.zip");
            ModelFile.save(network, manifest(isolated, network), file, true);

            SavedModel loaded = ModelFile.load(file, true, manifest -> loader);
            assertThat(loaded.manifest().modelId()).isEqualTo(isolated.id());
            assertThat(loaded.network().kind()).isEqualTo(network.kind());
            assertThat(loaded.network().output(data.getFeatures())).isEqualTo(network.output(data.getFeatures()));
        }
    }

    private static ModelManifest manifest(ModelPlugin plugin, Network network) {
        List<String> classes = IntStream.range(0, CLASSES).mapToObj(c -> "class " + c).toList();
        return new ModelManifest(ModelManifest.FORMAT_VERSION, Versions.platform(), Versions.dl4j(), plugin.id(),
                plugin.version(), "contract test", plugin.inputLayout(), SHAPE, Normalization.scale(), classes, 5,
                plugin.defaultHyperparameters(), 32, network.numParams(), "2026-01-01T00:00:00Z",
                new ModelManifest.TrainingData("synthetic bars", 32, 0, 0, ""), 1, null, List.of(), "none",
                network.kind(), null);
    }
}
