package dev.fmnist.server.inference;

import dev.fmnist.api.ImageShape;
import dev.fmnist.api.InputLayout;
import dev.fmnist.runtime.model.ModelManifest;
import java.util.ArrayList;
import java.util.List;

/**
 * A model's metadata as the Open Inference Protocol describes it: its versions, platform and tensors (-1 for the
 * batch dimension), read from its manifest.
 */
public record ModelMetadata(String name, List<String> versions, String platform, List<Tensor> inputs,
        List<Tensor> outputs) {

    /** A tensor's name, datatype and shape. */
    public record Tensor(String name, String datatype, List<Long> shape) {}

    /**
     * @param versions the versions a client may ask for, the one described first
     * @param accepts  whether the model has an acceptance threshold, so an {@code accepted} output
     */
    public static ModelMetadata of(String name, List<String> versions, ModelManifest manifest, boolean accepts) {
        ImageShape image = manifest.imageShape();
        List<Long> inputShape = manifest.inputLayout() == InputLayout.FLAT
                ? List.of(-1L, (long) image.pixels())
                : List.of(-1L, (long) image.channels(), (long) image.height(), (long) image.width());
        List<Tensor> outputs = new ArrayList<>(List.of(new Tensor(RequestedOutputs.PROBABILITIES, "FP32",
                        List.of(-1L, (long) manifest.classNames().size())),
                new Tensor(RequestedOutputs.LABEL, "BYTES", List.of(-1L))));
        if (accepts) {
            outputs.add(new Tensor(RequestedOutputs.ACCEPTED, "BOOL", List.of(-1L)));
        }
        return new ModelMetadata(name, List.copyOf(versions), "deeplearning4j_" + manifest.dl4jVersion(),
                List.of(new Tensor(InputTensors.INPUT, "FP32", inputShape)), List.copyOf(outputs));
    }
}
