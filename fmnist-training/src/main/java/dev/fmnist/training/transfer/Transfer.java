package dev.fmnist.training.transfer;

import dev.fmnist.runtime.model.Network;
import dev.fmnist.training.TrainingException;
import java.util.List;
import java.util.OptionalInt;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
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
 */
public final class Transfer {

    /** The adapted network, and how many layers of it are frozen. */
    public record Adapted(Network network, int frozenLayers) {}

    private Transfer() {}

    /**
     * @param frozen  how many of the first layers to freeze; empty for every layer but the output
     * @throws TrainingException when {@code frozen} leaves no layer to learn
     */
    public static Adapted adapt(Network parent, int classes, OptionalInt frozen, double learningRate, long seed) {
        FineTuneConfiguration tuning = new FineTuneConfiguration.Builder().updater(new Adam(learningRate)).seed(seed)
                .build();
        if (parent instanceof Network.Layers layers) {
            return adapt(layers.network(), classes, frozen, tuning);
        }
        return adapt(((Network.Graph) parent).graph(), classes, frozen, tuning);
    }

    private static Adapted adapt(MultiLayerNetwork parent, int classes, OptionalInt frozen,
            FineTuneConfiguration tuning) {
        int output = parent.getnLayers() - 1;
        int freeze = frozenCount(frozen, output);
        TransferLearning.Builder builder = new TransferLearning.Builder(parent).fineTuneConfiguration(tuning)
                .nOutReplace(output, classes, WeightInit.XAVIER);
        if (freeze > 0) {
            builder.setFeatureExtractor(freeze - 1);
        }
        return new Adapted(new Network.Layers(builder.build()), freeze);
    }

    private static Adapted adapt(ComputationGraph parent, int classes, OptionalInt frozen,
            FineTuneConfiguration tuning) {
        ComputationGraphConfiguration conf = parent.getConfiguration();
        String output = conf.getNetworkOutputs().get(0);
        List<String> layers = conf.getTopologicalOrderStr().stream()
                .filter(name -> parent.getVertex(name).hasLayer() && !name.equals(output))
                .toList();
        int freeze = frozenCount(frozen, layers.size());
        TransferLearning.GraphBuilder builder = new TransferLearning.GraphBuilder(parent).fineTuneConfiguration(tuning)
                .nOutReplace(output, classes, WeightInit.XAVIER);
        if (freeze > 0) {
            // Freezes these vertices and every one they depend on: in topological order, nothing more.
            builder.setFeatureExtractor(layers.subList(0, freeze).toArray(String[]::new));
        }
        return new Adapted(new Network.Graph(builder.build()), freeze);
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
