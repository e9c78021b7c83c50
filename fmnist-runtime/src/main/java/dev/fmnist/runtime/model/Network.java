package dev.fmnist.runtime.model;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.fmnist.runtime.nativecpu.HelperFallback;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.schedule.ISchedule;

/**
 * A network the platform trains, saves and serves: a DL4J layer stack ({@link MultiLayerNetwork}) or a
 * graph with skip connections and branches ({@link ComputationGraph}, one input and one output). DL4J gives
 * the two no common interface for inference or training, so everything the platform does with either goes
 * through here and nowhere else asks which one it has.
 */
public sealed interface Network {

    /** How a network is described; recorded in the model manifest so the file is read back as what it is. */
    enum Kind {
        @JsonProperty("layers") LAYERS,
        @JsonProperty("graph") GRAPH;

        /** The manifest's spelling. */
        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Wraps an initialized DL4J network of either kind. */
    static Network of(Model model) {
        if (model instanceof MultiLayerNetwork network) {
            return new Layers(network);
        }
        if (model instanceof ComputationGraph graph) {
            return new Graph(graph);
        }
        throw new IllegalArgumentException("not a MultiLayerNetwork or ComputationGraph: "
                + (model == null ? "null" : model.getClass().getName()));
    }

    /** The DL4J network itself, for what is specific to one kind. */
    Model model();

    Kind kind();

    /** Class probabilities for a batch of encoded inputs, in inference mode (no dropout, running statistics). */
    INDArray output(INDArray features);

    /**
     * What the classifier sees: the activations of the layer (a graph: the vertex) that feeds the output layer,
     * one row per input, in inference mode. Images a model finds alike are close in this space.
     */
    INDArray embedding(INDArray features);

    /**
     * {@link #output} and {@link #embedding} of a batch from one forward pass, for callers that want both (a
     * catalog scored for search): the two calls apart would run the layers below the embedding twice.
     */
    OutputAndEmbedding outputAndEmbedding(INDArray features);

    /** Class probabilities [batch, classes] and embeddings [batch, dimensions] of the same inputs. */
    record OutputAndEmbedding(INDArray output, INDArray embedding) {}

    /** One optimizer step on a batch. */
    void fit(DataSet batch);

    /** The loss of the last {@link #fit} batch, with regularization, as DL4J computes it. */
    default double score() {
        return model().score();
    }

    /** The loss on a batch in inference mode, with regularization, without training. */
    double score(DataSet batch);

    default long numParams() {
        return model().numParams();
    }

    /** Every layer, in the network's order (a graph's topological order). */
    Layer[] layers();

    default void setListeners(TrainingListener... listeners) {
        model().setListeners(listeners);
    }

    /** The learning rate the first layer with an updater trains with now; null when no layer has one. */
    Double learningRate();

    /** Sets one fixed learning rate for every layer, replacing any schedule. */
    void setLearningRate(double rate);

    /** Replaces every layer's learning rate by a schedule (the engine's snapshot cycles). */
    void setLearningRate(ISchedule schedule);

    /** Marks the end of an epoch: schedules that count epochs move on. */
    void incrementEpochCount();

    /** The optimizer steps taken so far; schedules that count iterations read it. */
    int iterationCount();

    int epochCount();

    /** Sets both counters, so a copy's schedules stand where this network's do. */
    void setCounts(int iterations, int epochs);

    /**
     * Makes training keep each oneDNN convolution's pre-activation from the forward pass for the backward pass
     * (DL4J's {@link CacheMode#DEVICE}); without it DL4J computes every convolution's forward pass twice a step.
     */
    void keepForwardForBackprop();

    /**
     * The layers' half of {@link #keepForwardForBackprop} (the configuration's mode opens the workspace they cache
     * into): only layers on a helper, since on DL4J's built-in path the cache also holds each convolution's im2col
     * buffer for the whole step (hundreds of MB for a ResNet at batch 128).
     */
    private static void cacheWhereHelped(Layer[] layers) {
        for (Layer layer : layers) {
            if (layer.getHelper() != null) {
                layer.setCacheMode(CacheMode.DEVICE);
            }
        }
    }

    /**
     * The optimizer's state (Adam's moments, momentum) as one flat array, made if the network has not trained yet;
     * null for an optimizer without state. Writes to it change the network's optimizer.
     */
    INDArray updaterState();

    /**
     * An independent copy: configuration, parameters and optimizer state, no listeners; its layers get the helpers
     * a network loaded now would (DL4J makes them anew), with {@link HelperFallback}'s rules.
     */
    Network copy();

    /** Activations as one row per example, whatever their shape. */
    private static INDArray flat(INDArray activations) {
        return activations.rank() == 2 ? activations : activations.reshape('c', activations.size(0), -1);
    }

    /** A {@link MultiLayerNetwork}. */
    record Layers(MultiLayerNetwork network) implements Network {

        public Layers {
            requireNonNull(network, "network is null");
        }

        @Override
        public Model model() {
            return network;
        }

        @Override
        public Kind kind() {
            return Kind.LAYERS;
        }

        @Override
        public INDArray output(INDArray features) {
            return network.output(features, false);
        }

        @Override
        public INDArray embedding(INDArray features) {
            int beforeOutput = network.getnLayers() - 2;
            if (beforeOutput < 0) {
                throw new IllegalStateException("the network has no layer before its output layer");
            }
            // The list starts with the input: layer i's activations are at i + 1.
            List<INDArray> activations = network.feedForwardToLayer(beforeOutput, features, false);
            return flat(activations.get(beforeOutput + 1));
        }

        @Override
        public OutputAndEmbedding outputAndEmbedding(INDArray features) {
            if (network.getnLayers() < 2) {
                throw new IllegalStateException("the network has no layer before its output layer");
            }
            // The input, then every layer's activations (the output layer's are the probabilities).
            List<INDArray> activations = network.feedForward(features, false);
            int last = activations.size() - 1;
            return new OutputAndEmbedding(activations.get(last), flat(activations.get(last - 1)));
        }

        @Override
        public void fit(DataSet batch) {
            network.fit(batch);
        }

        @Override
        public double score(DataSet batch) {
            return network.score(batch, false);
        }

        @Override
        public Layer[] layers() {
            return network.getLayers();
        }

        @Override
        public Double learningRate() {
            for (int i = 0; i < network.getnLayers(); i++) {
                Double rate = network.getLearningRate(i);
                if (rate != null) {
                    return rate;
                }
            }
            return null;
        }

        @Override
        public void setLearningRate(double rate) {
            network.setLearningRate(rate);
        }

        @Override
        public void setLearningRate(ISchedule schedule) {
            network.setLearningRate(schedule);
        }

        @Override
        public void incrementEpochCount() {
            network.incrementEpochCount();
        }

        @Override
        public int iterationCount() {
            return network.getIterationCount();
        }

        @Override
        public int epochCount() {
            return network.getEpochCount();
        }

        @Override
        public void setCounts(int iterations, int epochs) {
            network.setIterationCount(iterations);
            network.setEpochCount(epochs);
        }

        @Override
        public INDArray updaterState() {
            return network.getUpdater(true).getStateViewArray();
        }

        @Override
        public void keepForwardForBackprop() {
            network.getLayerWiseConfigurations().setCacheMode(CacheMode.DEVICE);
            cacheWhereHelped(layers());
        }

        @Override
        public Network copy() {
            MultiLayerNetwork copy = network.clone();
            HelperFallback.apply(copy);
            return new Layers(copy);
        }
    }

    /** A {@link ComputationGraph} with one input and one output. */
    record Graph(ComputationGraph graph) implements Network {

        public Graph {
            requireNonNull(graph, "graph is null");
        }

        @Override
        public Model model() {
            return graph;
        }

        @Override
        public Kind kind() {
            return Kind.GRAPH;
        }

        @Override
        public INDArray output(INDArray features) {
            return graph.outputSingle(false, features);
        }

        @Override
        public INDArray embedding(INDArray features) {
            return flat(graph.feedForward(new INDArray[] {features}, false).get(embeddingVertex()));
        }

        @Override
        public OutputAndEmbedding outputAndEmbedding(INDArray features) {
            String output = graph.getConfiguration().getNetworkOutputs().get(0);
            Map<String, INDArray> activations = graph.feedForward(new INDArray[] {features}, false);
            return new OutputAndEmbedding(activations.get(output), flat(activations.get(embeddingVertex())));
        }

        /**
         * The vertex that feeds the output layer, found from the network's output through first inputs: the output
         * layer's input, and for an ensemble (whose output averages its members') its first member's.
         */
        private String embeddingVertex() {
            ComputationGraphConfiguration conf = graph.getConfiguration();
            String output = conf.getNetworkOutputs().get(0);
            for (String vertex = output; conf.getVertexInputs().containsKey(vertex);
                    vertex = conf.getVertexInputs().get(vertex).get(0)) {
                if (conf.getVertices().get(vertex) instanceof LayerVertex layer
                        && layer.getLayerConf().getLayer() instanceof BaseOutputLayer) {
                    return conf.getVertexInputs().get(vertex).get(0);
                }
            }
            return conf.getVertexInputs().get(output).get(0);
        }

        @Override
        public void fit(DataSet batch) {
            graph.fit(batch);
        }

        @Override
        public double score(DataSet batch) {
            return graph.score(batch, false);
        }

        @Override
        public Layer[] layers() {
            return graph.getLayers();
        }

        @Override
        public Double learningRate() {
            for (Layer layer : graph.getLayers()) {
                Double rate = graph.getLearningRate(layer.conf().getLayer().getLayerName());
                if (rate != null) {
                    return rate;
                }
            }
            return null;
        }

        @Override
        public void setLearningRate(double rate) {
            graph.setLearningRate(rate);
        }

        @Override
        public void setLearningRate(ISchedule schedule) {
            graph.setLearningRate(schedule);
        }

        @Override
        public void incrementEpochCount() {
            graph.incrementEpochCount();
        }

        @Override
        public int iterationCount() {
            return graph.getIterationCount();
        }

        @Override
        public int epochCount() {
            return graph.getEpochCount();
        }

        @Override
        public void setCounts(int iterations, int epochs) {
            graph.getConfiguration().setIterationCount(iterations);
            graph.getConfiguration().setEpochCount(epochs);
        }

        @Override
        public INDArray updaterState() {
            return graph.getUpdater(true).getStateViewArray();
        }

        @Override
        public void keepForwardForBackprop() {
            graph.getConfiguration().setCacheMode(CacheMode.DEVICE);
            cacheWhereHelped(layers());
        }

        @Override
        public Network copy() {
            // Not clone(): in DL4J 1.0.0-M2.1 a cloned graph shares the original's listener list, so a listener
            // set on the copy would replace the original's.
            ComputationGraph copy = new ComputationGraph(graph.getConfiguration().clone());
            copy.init(graph.params().dup(), false);
            HelperFallback.apply(copy);
            Graph result = new Graph(copy);
            INDArray state = updaterState();
            if (state != null) {
                result.updaterState().assign(state);
            }
            return result;
        }
    }
}
