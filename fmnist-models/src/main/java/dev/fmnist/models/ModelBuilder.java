package dev.fmnist.models;

import dev.fmnist.api.Hyperparameters;
import dev.fmnist.api.ImageShape;
import dev.fmnist.api.ModelSpec;
import dev.fmnist.models.plugins.RegisteredPlugin;
import dev.fmnist.runtime.nativecpu.HelperFallback;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * Turns a plugin, a seed and the user's overrides into an initialized network. Everything a plugin throws
 * becomes a {@link ModelException} that names the plugin and its origin.
 */
public final class ModelBuilder {

    private ModelBuilder() {}

    /** The plugin's defaults with the overrides applied; an override the plugin does not declare is an error. */
    public static Hyperparameters resolve(RegisteredPlugin plugin, Map<String, String> overrides) {
        Map<String, String> defaults;
        try {
            defaults = plugin.plugin().defaultHyperparameters();
        } catch (RuntimeException | LinkageError e) {
            throw new ModelException(plugin.describe() + " failed to list its hyperparameters: " + e, e);
        }
        Map<String, String> merged = new TreeMap<>(defaults);
        for (Map.Entry<String, String> override : overrides.entrySet()) {
            if (!defaults.containsKey(override.getKey())) {
                throw new ModelException(plugin.describe() + " has no hyperparameter '" + override.getKey()
                        + "'; it accepts: " + String.join(", ", new TreeSet<>(defaults.keySet())));
            }
            merged.put(override.getKey(), override.getValue());
        }
        return Hyperparameters.of(merged);
    }

    public static BuiltModel build(RegisteredPlugin plugin, long seed, int numClasses, Map<String, String> overrides) {
        Hyperparameters hyperparameters = resolve(plugin, overrides);
        ModelSpec spec = new ModelSpec(numClasses, ImageShape.FASHION_MNIST, seed, hyperparameters);
        MultiLayerConfiguration configuration;
        try {
            configuration = plugin.plugin().build(spec);
        } catch (IllegalArgumentException e) {
            throw new ModelException(plugin.describe() + ": " + e.getMessage(), e);
        } catch (RuntimeException | LinkageError e) {
            throw new ModelException(plugin.describe() + " failed to build its network: " + e, e);
        }
        if (configuration == null) {
            throw new ModelException(plugin.describe() + " built no network (build returned null)");
        }
        try {
            MultiLayerNetwork network = new MultiLayerNetwork(configuration);
            network.init();
            HelperFallback.apply(network);
            return new BuiltModel(plugin, hyperparameters, network);
        } catch (RuntimeException e) {
            throw new ModelException(plugin.describe() + " described a network DL4J cannot initialize: "
                    + e.getMessage(), e);
        }
    }
}
