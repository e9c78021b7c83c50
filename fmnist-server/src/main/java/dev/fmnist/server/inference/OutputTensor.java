package dev.fmnist.server.inference;

import dev.fmnist.runtime.predict.Prediction;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One output of an inference answer, before a protocol writes it: FP32 values ({@code floats}, row-major) or
 * BYTES elements ({@code strings}), never both.
 *
 * @param shape  its dimensions
 * @param floats the values of an FP32 output, else null
 * @param strings the elements of a BYTES output, else null
 */
public record OutputTensor(String name, String datatype, long[] shape, float[] floats, List<String> strings) {

    public boolean isFloat() {
        return floats != null;
    }

    /**
     * The outputs a request asked for, in the model's order: {@code probabilities} (FP32 [N,classes]) and
     * {@code label} (BYTES [N], each image's most likely class), or for an output with a {@code classification}
     * top-k, BYTES [N,k] of "value:index:label" (Triton's classification extension).
     */
    public static List<OutputTensor> of(float[][] probabilities, RequestedOutputs requested, List<String> classNames) {
        Map<String, Integer> wanted = requested.all()
                ? Map.of(RequestedOutputs.PROBABILITIES, 0, RequestedOutputs.LABEL, 0)
                : requested.classification();
        int images = probabilities.length;
        List<OutputTensor> outputs = new ArrayList<>();
        for (String name : List.of(RequestedOutputs.PROBABILITIES, RequestedOutputs.LABEL)) {
            if (!wanted.containsKey(name)) {
                continue;
            }
            int k = Math.min(wanted.get(name), classNames.size());
            if (k > 0) {
                List<String> top = new ArrayList<>(images * k);
                for (float[] row : probabilities) {
                    Prediction.of(row, k, classNames).top().forEach(c -> top.add(String.format(Locale.ROOT,
                            "%f:%d:%s", c.probability(), c.classIndex(), c.label())));
                }
                outputs.add(new OutputTensor(name, "BYTES", new long[] {images, k}, null, top));
            } else if (name.equals(RequestedOutputs.PROBABILITIES)) {
                float[] values = new float[images * classNames.size()];
                for (int i = 0; i < images; i++) {
                    System.arraycopy(probabilities[i], 0, values, i * classNames.size(), classNames.size());
                }
                outputs.add(new OutputTensor(name, "FP32", new long[] {images, classNames.size()}, values, null));
            } else {
                List<String> labels = new ArrayList<>(images);
                for (float[] row : probabilities) {
                    labels.add(Prediction.of(row, 1, classNames).best().label());
                }
                outputs.add(new OutputTensor(name, "BYTES", new long[] {images}, null, labels));
            }
        }
        return outputs;
    }
}
