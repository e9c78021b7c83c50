package dev.fmnist.training.transfer;

import dev.fmnist.runtime.model.Network;
import dev.fmnist.runtime.nativecpu.HelperFallback;
import dev.fmnist.training.TrainingException;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.FrozenVertex;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.transferlearning.FineTuneConfiguration;
import org.deeplearning4j.nn.transferlearning.TransferLearning;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.learning.config.Adam;

/**
 * A trained network adapted to new classes with DL4J's {@link TransferLearning}: the output layer gets a fresh
 * weight matrix as wide as the new classes, the first layers are wrapped as frozen (their weights kept, and
 * batch normalization and dropout run as in inference), and the rest learn with Adam.
 *
 * <p>A parent that already has the data's classes (an earlier fine-tuning of the same catalog) keeps its output
 * layer, and its frozen layers are thawed first: so a warm-up with frozen features followed by a run with
 * {@code --freeze none} trains everything from the warmed-up output layer.
 */
public final class Transfer {

    /** The adapted network, how many layers of it are frozen, and whether the output layer was kept. */
    public record Adapted(Network network, int frozenLayers, boolean keptOutput) {}

    private Transfer() {}

    /**
     * @param newOutput replace the output layer by one of {@code classes} outputs; false keeps it (same classes)
     * @param frozen    how many of the first layers to freeze; empty for every layer but the output
     * @throws TrainingException when {@code frozen} leaves no layer to learn
     */
    public static Adapted adapt(Network parent, int classes, boolean newOutput, OptionalInt frozen,
            double learningRate, long seed) {
        FineTuneConfiguration tuning = new FineTuneConfiguration.Builder().updater(new Adam(learningRate)).seed(seed)
                .build();
        Adapted adapted = parent instanceof Network.Layers layers
                ? adapt(thawed(layers.network()), classes, newOutput, frozen, tuning)
                : adapt(thawed(((Network.Graph) parent).graph()), classes, newOutput, frozen, tuning);
        // Networks built here bypass ModelBuilder and ModelFile: the same oneDNN helper checks apply.
        HelperFallback.apply(adapted.network().model());
        return adapted;
    }

    private static Adapted adapt(MultiLayerNetwork parent, int classes, boolean newOutput, OptionalInt frozen,
            FineTuneConfiguration tuning) {
        int output = parent.getnLayers() - 1;
        int freeze = frozenCount(frozen, output);
        TransferLearning.Builder builder = new TransferLearning.Builder(parent).fineTuneConfiguration(tuning);
        if (newOutput) {
            builder.nOutReplace(output, classes, WeightInit.XAVIER);
        }
        if (freeze > 0) {
            builder.setFeatureExtractor(freeze - 1);
        }
        return new Adapted(new Network.Layers(builder.build()), freeze, !newOutput);
    }

    private static Adapted adapt(ComputationGraph parent, int classes, boolean newOutput, OptionalInt frozen,
            FineTuneConfiguration tuning) {
        ComputationGraphConfiguration conf = parent.getConfiguration();
        String output = conf.getNetworkOutputs().get(0);
        List<String> layers = conf.getTopologicalOrderStr().stream()
                .filter(name -> parent.getVertex(name).hasLayer() && !name.equals(output))
                .toList();
        int freeze = frozenCount(frozen, layers.size());
        TransferLearning.GraphBuilder builder = new TransferLearning.GraphBuilder(parent).fineTuneConfiguration(tuning);
        if (newOutput) {
            builder.nOutReplace(output, classes, WeightInit.XAVIER);
        }
        if (freeze > 0) {
            // Freezes these vertices and every one they depend on: in topological order, nothing more.
            builder.setFeatureExtractor(layers.subList(0, freeze).toArray(String[]::new));
        }
        return new Adapted(new Network.Graph(builder.build()), freeze, !newOutput);
    }

    /** The network with its frozen layers (from an earlier fine-tuning) unwrapped, the same weights. */
    static MultiLayerNetwork thawed(MultiLayerNetwork network) {
        MultiLayerConfiguration conf = network.getLayerWiseConfigurations().clone();
        boolean frozen = false;
        for (NeuralNetConfiguration layer : conf.getConfs()) {
            if (layer.getLayer() instanceof FrozenLayer wrapper) {
                layer.setLayer(wrapper.getLayer());
                frozen = true;
            }
        }
        if (!frozen) {
            return network;
        }
        MultiLayerNetwork thawed = new MultiLayerNetwork(conf);
        // A frozen layer's parameters are its inner layer's, in the same order.
        thawed.init(network.params().dup(), false);
        return thawed;
    }

    static ComputationGraph thawed(ComputationGraph graph) {
        ComputationGraphConfiguration conf = graph.getConfiguration().clone();
        boolean frozen = false;
        for (Map.Entry<String, GraphVertex> entry : conf.getVertices().entrySet()) {
            GraphVertex vertex = entry.getValue();
            if (vertex instanceof LayerVertex layer && layer.getLayerConf().getLayer() instanceof FrozenLayer wrapper) {
                layer.getLayerConf().setLayer(wrapper.getLayer());
                frozen = true;
            } else if (vertex instanceof FrozenVertex wrapper) {
                // Vertices without weights (additions, merges) in a frozen part are wrapped too.
                entry.setValue(wrapper.getUnderlying());
                frozen = true;
            }
        }
        if (!frozen) {
            return graph;
        }
        ComputationGraph thawed = new ComputationGraph(conf);
        thawed.init(graph.params().dup(), false);
        return thawed;
    }

    private static int frozenCount(OptionalInt frozen, int featureLayers) {
        int freeze = frozen.orElse(featureLayers);
        if (freeze > featureLayers) {
            throw new TrainingException("--freeze " + freeze + " is more layers than the model has before its "
                    + "output layer (" + featureLayers + ")");
        }
        return freeze;
    }
}
