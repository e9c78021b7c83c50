package dev.fmnist.eval.report;

import dev.fmnist.api.ImageShape;
import dev.fmnist.api.InputLayout;
import dev.fmnist.runtime.model.Network;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Like Keras' {@code model.summary()}: each layer's type, output shape and parameter count, with totals; for a
 * graph, every vertex in topological order with the vertices it reads ("connected to").
 */
public record ArchitectureSummary(List<LayerSummary> layers, long total, long trainable, long nonTrainable) {

    /** Batch normalization's running statistics: parameters that gradients never update. */
    private static final Set<String> NON_TRAINABLE = Set.of("mean", "var", "log10stdev");

    public ArchitectureSummary {
        layers = List.copyOf(layers);
    }

    public static ArchitectureSummary of(Network network, InputLayout layout, ImageShape shape) {
        InputType input = layout == InputLayout.FLAT ? InputType.feedForward(shape.pixels())
                : InputType.convolutional(shape.height(), shape.width(), shape.channels());
        List<LayerSummary> layers = network instanceof Network.Graph graph ? vertices(graph.graph(), input)
                : layers(((Network.Layers) network).network(), input);
        long total = layers.stream().mapToLong(LayerSummary::parameters).sum();
        long frozen = layers.stream().mapToLong(LayerSummary::nonTrainable).sum();
        return new ArchitectureSummary(layers, total, total - frozen, frozen);
    }

    private static List<LayerSummary> layers(MultiLayerNetwork network, InputType input) {
        MultiLayerConfiguration conf = network.getLayerWiseConfigurations();
        List<InputType> outputs = conf.getLayerActivationTypes(input);
        List<LayerSummary> layers = new ArrayList<>();
        for (int i = 0; i < network.getnLayers(); i++) {
            Layer layer = network.getLayer(i);
            layers.add(new LayerSummary(i, conf.getConf(i).getLayer().getLayerName(),
                    conf.getConf(i).getLayer().getClass().getSimpleName(), shape(outputs.get(i)), layer.numParams(),
                    nonTrainable(layer), List.of()));
        }
        return layers;
    }

    private static List<LayerSummary> vertices(ComputationGraph graph, InputType input) {
        ComputationGraphConfiguration conf = graph.getConfiguration();
        // On a copy: DL4J works the types out by re-running its preprocessor and nIn inference on the configuration.
        Map<String, InputType> outputs = conf.clone().getLayerActivationTypes(input);
        List<LayerSummary> layers = new ArrayList<>();
        for (int index : graph.topologicalSortOrder()) {
            String name = graph.getVertices()[index].getVertexName();
            GraphVertex vertex = conf.getVertices().get(name);
            if (vertex == null) {
                continue;  // the network input
            }
            boolean isLayer = vertex instanceof LayerVertex;
            Layer layer = isLayer ? graph.getLayer(name) : null;
            String type = isLayer ? ((LayerVertex) vertex).getLayerConf().getLayer().getClass().getSimpleName()
                    : vertex.getClass().getSimpleName();
            layers.add(new LayerSummary(layers.size(), name, type, shape(outputs.get(name)),
                    layer == null ? 0 : layer.numParams(), layer == null ? 0 : nonTrainable(layer),
                    conf.getVertexInputs().get(name)));
        }
        return layers;
    }

    private static long nonTrainable(Layer layer) {
        long count = 0;
        for (Map.Entry<String, INDArray> param : layer.paramTable().entrySet()) {
            if (NON_TRAINABLE.contains(param.getKey())) {
                count += param.getValue().length();
            }
        }
        return count;
    }

    private static String shape(InputType type) {
        return type == null ? "?" : Arrays.stream(type.getShape(true)).mapToObj(Long::toString)
                .collect(Collectors.joining(", ", "(", ")"));
    }

    /** The summary as a fixed-width table; a graph's adds what each vertex is connected to. */
    public String text() {
        boolean graph = layers.stream().anyMatch(layer -> !layer.inputs().isEmpty());
        StringBuilder text = new StringBuilder();
        String line = "-".repeat(graph ? 100 : 72) + "\n";
        text.append(String.format("%-4s %-28s %-22s %14s%s%n", "#", "layer (type)", "output shape", "parameters",
                graph ? "  connected to" : ""));
        text.append(line);
        for (LayerSummary layer : layers) {
            String label = graph ? layer.name() + " (" + layer.type() + ")" : layer.type();
            text.append(String.format("%-4d %-28s %-22s %,14d%s%n", layer.index(), label, layer.outputShape(),
                    layer.parameters(), graph ? "  " + String.join(", ", layer.inputs()) : ""));
        }
        text.append(line);
        text.append(String.format("Total parameters: %,d%nTrainable: %,d%nNon-trainable: %,d%n", total, trainable,
                nonTrainable));
        return text.toString();
    }
}
