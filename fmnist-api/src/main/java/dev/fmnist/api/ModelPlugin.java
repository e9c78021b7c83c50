package dev.fmnist.api;

import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;

/**
 * A model architecture, found by {@link java.util.ServiceLoader}: list the implementing class in
 * {@code META-INF/services/dev.fmnist.api.ModelPlugin}.
 *
 * <p>A plugin describes its network in one of two ways: a stack of layers ({@link #build(ModelSpec)}) or,
 * since SPI 0.2, a graph with skip connections or branches ({@link #buildGraph(ModelSpec)}); it implements
 * exactly one of the two. Implementations must be cheap to construct (they are instantiated to be listed) and
 * stateless: all heavy work belongs in the build method. The platform owns everything else: data,
 * normalization, training loop, checkpoints, evaluation and serving.
 */
public interface ModelPlugin {

    /** A stable, lower-case id such as {@code mlp} or {@code lenet5}; used on the command line and in run folders. */
    String id();

    /**
     * The plugin's version, recorded in every model it builds. By default the {@code Implementation-Version}
     * of the plugin's JAR manifest.
     */
    default String version() {
        String version = getClass().getPackage().getImplementationVersion();
        return version == null ? "unversioned" : version;
    }

    /** One line for {@code fmnist models}. */
    String description();

    /** The layout the network's first layer expects. */
    InputLayout inputLayout();

    /**
     * Every hyperparameter the plugin understands, with its default value. A user override of a key not
     * listed here is refused before {@link #build(ModelSpec)} is called. Keys the platform itself reads
     * when present: {@code batch-size}.
     */
    Map<String, String> defaultHyperparameters();

    /**
     * Describes the network for the given spec as a stack of layers: input of {@code spec.inputShape()} in
     * {@link #inputLayout()}, a softmax output of {@code spec.numClasses()} with a multi-class
     * cross-entropy loss, weights initialized from {@code spec.seed()}.
     *
     * @throws IllegalArgumentException when a hyperparameter value is unusable; the message names it
     */
    default MultiLayerConfiguration build(ModelSpec spec) {
        throw new UnsupportedOperationException("model plugin '" + id() + "' implements neither build nor buildGraph");
    }

    /**
     * Describes the network for the given spec as a graph (residual blocks, branches), with the same contract
     * as {@link #build(ModelSpec)}: one input, set with {@code setInputTypes} to {@code spec.inputShape()} in
     * {@link #inputLayout()}, and one softmax output layer of {@code spec.numClasses()} with a multi-class
     * cross-entropy loss. The platform calls this first and {@link #build(ModelSpec)} only when it returns
     * null, which it does unless a plugin implements it.
     *
     * @throws IllegalArgumentException when a hyperparameter value is unusable; the message names it
     * @since 0.2
     */
    default ComputationGraphConfiguration buildGraph(ModelSpec spec) {
        return null;
    }
}
