package dev.fmnist.server.inference;

import dev.fmnist.runtime.model.Acceptance;
import dev.fmnist.runtime.predict.Prediction;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One output of an inference answer, before a protocol writes it: FP32 values ({@code floats}, row-major), BYTES
 * elements ({@code strings}) or BOOL values ({@code booleans}), exactly one of them.
 *
 * @param shape    its dimensions
 * @param floats   the values of an FP32 output, else null
 * @param strings  the elements of a BYTES output, else null
 * @param booleans the values of a BOOL output, else null
 */
public record OutputTensor(String name, String datatype, long[] shape, float[] floats, List<String> strings,
        boolean[] booleans) {

    public boolean isFloat() {
        return floats != null;
    }

    public boolean isBool() {
        return booleans != null;
    }

    /**
     * The outputs a request asked for, in the model's order: {@code probabilities} (FP32 [N,classes]),
     * {@code label} (BYTES [N], each image's most likely class), and for a model with an acceptance threshold
     * {@code accepted} (BOOL [N]); or for an output with a {@code classification} top-k, BYTES [N,k] of
     * "value:index:label" (Triton's classification extension).
     *
     * @param acceptance the model's threshold; empty for none
     */
    public static List<OutputTensor> of(float[][] probabilities, RequestedOutputs requested, List<String> classNames,
            Optional<Acceptance> acceptance) {
        Map<String, Integer> wanted = requested.all()
                ? Map.of(RequestedOutputs.PROBABILITIES, 0, RequestedOutputs.LABEL, 0, RequestedOutputs.ACCEPTED, 0)
                : requested.classification();
        int images = probabilities.length;
        List<OutputTensor> outputs = new ArrayList<>();
        for (String name : List.of(RequestedOutputs.PROBABILITIES, RequestedOutputs.LABEL,
                RequestedOutputs.ACCEPTED)) {
            if (!wanted.containsKey(name)) {
                continue;
            }
            if (name.equals(RequestedOutputs.ACCEPTED)) {
                // asked of a model without one, refused before the forward pass (Admission.checkOutputs)
                acceptance.ifPresent(a -> outputs.add(accepted(probabilities, a)));
                continue;
            }
            int k = Math.min(wanted.get(name), classNames.size());
            if (k > 0) {
                List<String> top = new ArrayList<>(images * k);
                for (float[] row : probabilities) {
                    Prediction.of(row, k, classNames).top().forEach(c -> top.add(String.format(Locale.ROOT,
                            "%f:%d:%s", c.probability(), c.classIndex(), c.label())));
                }
                outputs.add(new OutputTensor(name, "BYTES", new long[] {images, k}, null, top, null));
            } else if (name.equals(RequestedOutputs.PROBABILITIES)) {
                float[] values = new float[images * classNames.size()];
                for (int i = 0; i < images; i++) {
                    System.arraycopy(probabilities[i], 0, values, i * classNames.size(), classNames.size());
                }
                outputs.add(new OutputTensor(name, "FP32", new long[] {images, classNames.size()}, values, null,
                        null));
            } else {
                List<String> labels = new ArrayList<>(images);
                for (float[] row : probabilities) {
                    labels.add(Prediction.of(row, 1, classNames).best().label());
                }
                outputs.add(new OutputTensor(name, "BYTES", new long[] {images}, null, labels, null));
            }
        }
        return outputs;
    }

    private static OutputTensor accepted(float[][] probabilities, Acceptance acceptance) {
        boolean[] accepted = new boolean[probabilities.length];
        for (int i = 0; i < accepted.length; i++) {
            accepted[i] = acceptance.accepts(probabilities[i]);
        }
        return new OutputTensor(RequestedOutputs.ACCEPTED, "BOOL", new long[] {accepted.length}, null, null,
                accepted);
    }
}
