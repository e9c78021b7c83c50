package dev.fmnist.eval.report;

import dev.fmnist.api.ImageShape;
import dev.fmnist.api.InputLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Like Keras' {@code model.summary()}: each layer's type, output shape and parameter count, with totals. */
public record ArchitectureSummary(List<LayerSummary> layers, long total, long trainable, long nonTrainable) {

    /** Batch normalization's running statistics: parameters that gradients never update. */
    private static final Set<String> NON_TRAINABLE = Set.of("mean", "var", "log10stdev");

    public ArchitectureSummary {
        layers = List.copyOf(layers);
    }

    public static ArchitectureSummary of(MultiLayerNetwork network, InputLayout layout, ImageShape shape) {
        InputType input = layout == InputLayout.FLAT ? InputType.feedForward(shape.pixels())
                : InputType.convolutional(shape.height(), shape.width(), shape.channels());
        List<InputType> outputs = network.getLayerWiseConfigurations().getLayerActivationTypes(input);
        List<LayerSummary> layers = new ArrayList<>();
        long total = 0;
        long frozen = 0;
        for (int i = 0; i < network.getnLayers(); i++) {
            Layer layer = network.getLayer(i);
            long parameters = layer.numParams();
            long nonTrainable = 0;
            for (Map.Entry<String, INDArray> param : layer.paramTable().entrySet()) {
                if (NON_TRAINABLE.contains(param.getKey())) {
                    nonTrainable += param.getValue().length();
                }
            }
            String type = network.getLayerWiseConfigurations().getConf(i).getLayer().getClass().getSimpleName();
            String outputShape = Arrays.stream(outputs.get(i).getShape(true)).mapToObj(Long::toString)
                    .collect(Collectors.joining(", ", "(", ")"));
            layers.add(new LayerSummary(i, type, outputShape, parameters, nonTrainable));
            total += parameters;
            frozen += nonTrainable;
        }
        return new ArchitectureSummary(layers, total, total - frozen, frozen);
    }

    /** The summary as a fixed-width table. */
    public String text() {
        StringBuilder text = new StringBuilder();
        String line = "-".repeat(72) + "\n";
        text.append(String.format("%-4s %-28s %-22s %14s%n", "#", "layer (type)", "output shape", "parameters"));
        text.append(line);
        for (LayerSummary layer : layers) {
            text.append(String.format("%-4d %-28s %-22s %,14d%n", layer.index(), layer.type(), layer.outputShape(),
                    layer.parameters()));
        }
        text.append(line);
        text.append(String.format("Total parameters: %,d%nTrainable: %,d%nNon-trainable: %,d%n", total, trainable,
                nonTrainable));
        return text.toString();
    }
}
