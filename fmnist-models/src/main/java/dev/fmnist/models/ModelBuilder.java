package dev.fmnist.models;

import dev.fmnist.api.Hyperparameters;
import dev.fmnist.api.ImageShape;
import dev.fmnist.api.ModelSpec;
import dev.fmnist.api.Optimizers;
import dev.fmnist.data.augment.Augmentation;
import dev.fmnist.models.plugins.RegisteredPlugin;
import dev.fmnist.runtime.model.Network;
import dev.fmnist.runtime.nativecpu.HelperFallback;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.wrapper.BaseWrapperLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * Turns a plugin, a seed, the data's shape and the user's overrides into an initialized network.
 * Everything a plugin throws becomes a {@link ModelException} that names the plugin and its origin.
 *
 * <p>Some keys work for every plugin, declared or not: {@value #BATCH_SIZE} (the engine batches with it),
 * {@value Optimizers#LEARNING_RATE} (a plugin that declares it builds its optimizer from it; for one that does
 * not, the platform sets the rate on the built network), {@value #LABEL_SMOOTHING} (the share of each
 * training label spread evenly over all classes), {@value #AVERAGE} (the average of the weights the run keeps and
 * saves, {@link WeightAveraging}), {@value #SNAPSHOTS} (snapshot ensemble members, a cosine schedule restarted per
 * member), {@value Distillation#TEACHER} with {@value Distillation#TEMPERATURE} and {@value Distillation#WEIGHT} (a
 * teacher model whose softened probabilities the labels are mixed with, {@link Distillation}), {@value #AUGMENT} (the
 * training images' augmentation) and {@value #EPOCHS} (the
 * run's epoch limit). A plugin declares the last three to give them defaults of its
 * own: {@code --augment} and {@code --epochs} then override them, and {@code train.augment} and
 * {@code train.epochs} apply only to plugins that do not.
 */
public final class ModelBuilder {

    public static final String BATCH_SIZE = "batch-size";
    public static final String LABEL_SMOOTHING = "label-smoothing";
    public static final String AUGMENT = "augment";
    public static final String EPOCHS = "epochs";
    public static final String AVERAGE = "average";
    public static final String SNAPSHOTS = "snapshots";
    public static final int DEFAULT_BATCH_SIZE = 64;
    private static final Set<String> PLATFORM_KEYS = Set.of(BATCH_SIZE, Optimizers.LEARNING_RATE, LABEL_SMOOTHING,
            AUGMENT, EPOCHS, AVERAGE, SNAPSHOTS, Distillation.TEACHER, Distillation.TEMPERATURE, Distillation.WEIGHT);

    private ModelBuilder() {}

    /**
     * The plugin's defaults with the overrides applied, plus any platform key given; an override the plugin
     * does not declare, and the platform does not handle, is an error.
     */
    public static Hyperparameters resolve(RegisteredPlugin plugin, Map<String, String> overrides) {
        Map<String, String> defaults = defaults(plugin);
        Map<String, String> merged = new TreeMap<>(defaults);
        for (Map.Entry<String, String> override : overrides.entrySet()) {
            if (!defaults.containsKey(override.getKey()) && !PLATFORM_KEYS.contains(override.getKey())) {
                throw new ModelException(plugin.describe() + " has no hyperparameter '" + override.getKey()
                        + "'; it accepts: " + String.join(", ", accepted(defaults)));
            }
            merged.put(override.getKey(), override.getValue());
        }
        Hyperparameters resolved = Hyperparameters.of(merged);
        try {
            if (resolved.has(BATCH_SIZE)) {
                resolved.intInRange(BATCH_SIZE, 1, 65_536);
            }
            if (resolved.has(Optimizers.LEARNING_RATE)) {
                resolved.positive(Optimizers.LEARNING_RATE);
            }
            if (resolved.has(LABEL_SMOOTHING)) {
                resolved.fraction(LABEL_SMOOTHING);
            }
            if (resolved.has(EPOCHS)) {
                resolved.intInRange(EPOCHS, 1, 100_000);
            }
            if (resolved.has(AUGMENT)) {
                Augmentation.parse(resolved.string(AUGMENT));
            }
            averaging(resolved);
            snapshots(resolved);
            Distillation.of(resolved);
        } catch (IllegalArgumentException e) {
            throw new ModelException(plugin.describe() + ": " + e.getMessage(), e);
        }
        return resolved;
    }

    /** The batch size a model trains with: its {@value #BATCH_SIZE} hyperparameter, else {@value #DEFAULT_BATCH_SIZE}. */
    public static int batchSize(Hyperparameters resolved) {
        return resolved.has(BATCH_SIZE) ? resolved.intValue(BATCH_SIZE) : DEFAULT_BATCH_SIZE;
    }

    /** The share of each training label spread over all classes: its {@value #LABEL_SMOOTHING} key, else 0. */
    public static double labelSmoothing(Hyperparameters resolved) {
        return resolved.has(LABEL_SMOOTHING) ? resolved.fraction(LABEL_SMOOTHING) : 0;
    }

    /** The average of its weights a run keeps: its {@value #AVERAGE} key, else none. */
    public static WeightAveraging averaging(Hyperparameters resolved) {
        return resolved.has(AVERAGE) ? WeightAveraging.parse(resolved.string(AVERAGE)) : WeightAveraging.NONE;
    }

    /**
     * How many snapshot members a run saves: its {@value #SNAPSHOTS} key (2 to 100; the engine then trains with a
     * cosine schedule restarted that many times), else 0.
     */
    public static int snapshots(Hyperparameters resolved) {
        return resolved.has(SNAPSHOTS) ? resolved.intInRange(SNAPSHOTS, 2, 100) : 0;
    }

    /** Whether the plugin declares the key itself (so it has a default of its own). */
    public static boolean declares(RegisteredPlugin plugin, String key) {
        return defaults(plugin).containsKey(key);
    }

    /** The plugin's network with its defaults and {@code overrides} ({@link #resolve}). */
    public static BuiltModel build(RegisteredPlugin plugin, long seed, int numClasses, ImageShape inputShape,
            Map<String, String> overrides) {
        return build(plugin, seed, numClasses, inputShape, resolve(plugin, overrides));
    }

    /**
     * The plugin's network with hyperparameters already resolved: its helpers set ({@link HelperFallback}), and a
     * {@value Optimizers#LEARNING_RATE} the plugin does not declare set on the network.
     */
    public static BuiltModel build(RegisteredPlugin plugin, long seed, int numClasses, ImageShape inputShape,
            Hyperparameters resolved) {
        Described described = configure(plugin, seed, numClasses, inputShape, resolved);
        try {
            Network network = described.initialize();
            if (resolved.has(Optimizers.LEARNING_RATE) && !defaults(plugin).containsKey(Optimizers.LEARNING_RATE)) {
                network.setLearningRate(resolved.positive(Optimizers.LEARNING_RATE));
            }
            HelperFallback.apply(network.model());
            return new BuiltModel(plugin, resolved, network);
        } catch (RuntimeException e) {
            throw new ModelException(plugin.describe() + " described a network DL4J cannot initialize: "
                    + e.getMessage(), e);
        }
    }

    /**
     * The parameter count of the plugin's default network, from its configuration alone: no weights are
     * allocated or initialized, so listing many plugins stays fast.
     */
    public static long parameterCount(RegisteredPlugin plugin, int numClasses, ImageShape inputShape) {
        return configure(plugin, 1, numClasses, inputShape, resolve(plugin, Map.of())).parameterCount();
    }

    /** What a plugin described: a layer stack or a graph (the other is null). */
    private record Described(MultiLayerConfiguration layers, ComputationGraphConfiguration graph) {

        Network initialize() {
            if (graph != null) {
                ComputationGraph network = new ComputationGraph(graph);
                network.init();
                return new Network.Graph(network);
            }
            MultiLayerNetwork network = new MultiLayerNetwork(layers);
            network.init();
            return new Network.Layers(network);
        }

        /**
         * DL4J 1.0.0-M2.1 copies a network-wide regularization into each layer twice as it builds the configuration
         * ({@code LayerValidation.configureBaseLayer} adds again what is not L1 or L2): a weight decay set with
         * {@code .weightDecay(c, true)} would be applied twice per step. Equal regularizations are kept once.
         */
        void regularizeOnce() {
            Stream<NeuralNetConfiguration> confs = graph != null
                    ? graph.getVertices().values().stream().filter(LayerVertex.class::isInstance)
                            .map(vertex -> ((LayerVertex) vertex).getLayerConf())
                    : layers.getConfs().stream();
            confs.map(conf -> unwrapped(conf.getLayer())).filter(BaseLayer.class::isInstance)
                    .map(BaseLayer.class::cast)
                    .forEach(layer -> {
                        if (layer.getRegularization() != null) {
                            layer.setRegularization(new ArrayList<>(new LinkedHashSet<>(layer.getRegularization())));
                        }
                        if (layer.getRegularizationBias() != null) {
                            layer.setRegularizationBias(
                                    new ArrayList<>(new LinkedHashSet<>(layer.getRegularizationBias())));
                        }
                    });
        }

        /** The layer a wrapper (a frozen layer, say) holds, whose regularization is the one applied. */
        private static Layer unwrapped(Layer layer) {
            while (layer instanceof BaseWrapperLayer wrapper) {
                layer = wrapper.getUnderlying();
            }
            return layer;
        }

        long parameterCount() {
            Stream<NeuralNetConfiguration> confs = graph != null
                    ? graph.getVertices().values().stream().filter(LayerVertex.class::isInstance)
                            .map(vertex -> ((LayerVertex) vertex).getLayerConf())
                    : layers.getConfs().stream();
            return confs.mapToLong(conf -> conf.getLayer().initializer().numParams(conf)).sum();
        }
    }

    private static Described configure(RegisteredPlugin plugin, long seed, int numClasses,
            ImageShape inputShape, Hyperparameters resolved) {
        // The plugin sees only the keys it declared, as ModelSpec promises.
        Map<String, String> declared = new TreeMap<>(resolved.values());
        declared.keySet().retainAll(defaults(plugin).keySet());
        ModelSpec spec = new ModelSpec(numClasses, inputShape, seed, Hyperparameters.of(declared));
        Described described;
        try {
            ComputationGraphConfiguration graph = plugin.plugin().buildGraph(spec);
            described = new Described(graph == null ? plugin.plugin().build(spec) : null, graph);
        } catch (IllegalArgumentException e) {
            throw new ModelException(plugin.describe() + ": " + e.getMessage(), e);
        } catch (RuntimeException | LinkageError e) {
            throw new ModelException(plugin.describe() + " failed to build its network: " + e, e);
        }
        if (described.layers() == null && described.graph() == null) {
            throw new ModelException(plugin.describe() + " built no network (build returned null)");
        }
        described.regularizeOnce();
        if (described.graph() != null && (described.graph().getNetworkInputs().size() != 1
                || described.graph().getNetworkOutputs().size() != 1)) {
            throw new ModelException(plugin.describe() + " built a graph with " + described.graph().getNetworkInputs()
                    .size() + " inputs and " + described.graph().getNetworkOutputs().size() + " outputs; the platform "
                    + "feeds one image input and reads one class output");
        }
        return described;
    }

    private static Map<String, String> defaults(RegisteredPlugin plugin) {
        try {
            Map<String, String> defaults = plugin.plugin().defaultHyperparameters();
            return defaults == null ? Map.of() : defaults;
        } catch (RuntimeException | LinkageError e) {
            throw new ModelException(plugin.describe() + " failed to list its hyperparameters: " + e, e);
        }
    }

    private static TreeSet<String> accepted(Map<String, String> defaults) {
        TreeSet<String> keys = new TreeSet<>(defaults.keySet());
        keys.addAll(PLATFORM_KEYS);
        return keys;
    }
}
