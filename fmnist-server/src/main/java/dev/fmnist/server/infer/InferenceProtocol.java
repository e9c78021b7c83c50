package dev.fmnist.server.infer;

import dev.fmnist.image.encode.InputEncoder;
import dev.fmnist.runtime.model.ModelManifest;
import dev.fmnist.runtime.predict.Prediction;
import dev.fmnist.runtime.predict.Predictor;
import dev.fmnist.server.ServedModel;
import dev.fmnist.server.http.ApiError;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Open Inference Protocol v2 for the classifier: one input, FP32 pixels scaled to [0,1] or UINT8 raw
 * pixels, of shape [N,784] or [N,1,28,28] (flat or nested data); outputs {@code probabilities} (FP32
 * [N,10]) and {@code label} (BYTES [N]). The {@code classification} output parameter (Triton's extension)
 * turns an output into the top-k classes as "value:index:label" strings. Triton's binary tensor extension:
 * with an {@code Inference-Header-Content-Length} header the body is that many bytes of JSON followed by the
 * inputs' data ({@code binary_data_size}: little-endian FP32, or one byte per UINT8 pixel), and outputs asked
 * for with {@code binary_data} (or the request's {@code binary_data_output}) come back the same way (BYTES
 * elements as a 4-byte little-endian length and the UTF-8 bytes).
 */
public final class InferenceProtocol {

    public static final String INPUT = "input";

    private InferenceProtocol() {}

    /** Model metadata: name, versions, platform and the tensors. */
    public static JsonObject metadata(ServedModel model, ModelManifest manifest) {
        int pixels = manifest.imageShape().pixels();
        JsonArray inputShape = manifest.inputLayout() == dev.fmnist.api.InputLayout.FLAT
                ? new JsonArray().add(-1).add(pixels)
                : new JsonArray().add(-1).add(manifest.imageShape().channels()).add(manifest.imageShape().height())
                        .add(manifest.imageShape().width());
        return new JsonObject()
                .put("name", model.name())
                .put("versions", new JsonArray().add(model.version()))
                .put("platform", "deeplearning4j_" + manifest.dl4jVersion())
                .put("inputs", new JsonArray().add(tensor(INPUT, "FP32", inputShape)))
                .put("outputs", new JsonArray()
                        .add(tensor(RequestedOutputs.PROBABILITIES, "FP32",
                                new JsonArray().add(-1).add(manifest.classNames().size())))
                        .add(tensor(RequestedOutputs.LABEL, "BYTES", new JsonArray().add(-1))));
    }

    private static JsonObject tensor(String name, String datatype, JsonArray shape) {
        return new JsonObject().put("name", name).put("datatype", datatype).put("shape", shape);
    }

    /**
     * Parses and checks a request body, JSON alone or JSON followed by binary data, and prepares its rows for the
     * model.
     *
     * @param headerLength the {@code Inference-Header-Content-Length} header; null for a JSON-only body
     * @throws ApiError 400 naming what is wrong
     */
    public static InferenceInput parse(Buffer body, String headerLength, Predictor predictor, int maxBatch) {
        Buffer json = body;
        Buffer binary = null;
        if (headerLength != null) {
            int length;
            try {
                length = Integer.parseInt(headerLength.trim());
            } catch (NumberFormatException e) {
                throw bad("Inference-Header-Content-Length must be a whole number, got '" + headerLength + "'");
            }
            if (length < 0 || length > body.length()) {
                throw bad("Inference-Header-Content-Length is " + length + " but the body has " + body.length()
                        + " bytes");
            }
            json = body.slice(0, length);
            binary = body.slice(length, body.length());
        }
        JsonObject request;
        try {
            request = json.toJsonObject();
        } catch (DecodeException | ClassCastException e) {
            throw bad("the body is not a JSON object: " + e.getMessage());
        }
        Object idValue = request.getValue("id");
        if (idValue != null && !(idValue instanceof String)) {
            throw bad("'id' must be a string");
        }
        JsonArray inputs = array(request, "inputs", "the request");
        if (inputs == null || inputs.size() != 1) {
            throw bad("the request must have exactly one input ('" + INPUT + "'), got "
                    + (inputs == null ? "none" : inputs.size()));
        }
        if (!(inputs.getValue(0) instanceof JsonObject input)) {
            throw bad("inputs[0] must be an object");
        }
        String name = input.getValue("name") instanceof String s ? s : null;
        if (name == null) {
            throw bad("inputs[0] has no 'name'");
        }
        String datatype = input.getValue("datatype") instanceof String s ? s : "";
        if (!datatype.equals("FP32") && !datatype.equals("UINT8")) {
            throw bad("input '" + name + "' has datatype '" + datatype + "'; this model takes FP32 (pixels in [0,1]) "
                    + "or UINT8 (pixels 0-255)");
        }
        long[] shape = shape(input, name);
        InputEncoder encoder = predictor.encoder();
        int pixels = encoder.pixels();
        int count = checkShape(shape, name, encoder.shape(), maxBatch);
        float[] rows = new float[count * pixels];
        JsonObject parameters = input.getValue("parameters") instanceof JsonObject p ? p : new JsonObject();
        if (parameters.containsKey("binary_data_size")) {
            binaryInput(input, parameters, binary, datatype, name, count, encoder, rows);
            return new InferenceInput((String) idValue, rows, count, outputs(request));
        }
        if (binary != null && binary.length() > 0) {
            throw bad("the body has " + binary.length() + " bytes of binary data but input '" + name
                    + "' has no 'binary_data_size' parameter");
        }
        float[] values = flatten(input.getValue("data"), name, shape, (long) count * pixels);
        if (datatype.equals("UINT8")) {
            byte[] raw = new byte[values.length];
            for (int i = 0; i < values.length; i++) {
                float v = values[i];
                if (v < 0 || v > 255 || v != Math.rint(v)) {
                    throw bad("input '" + name + "' holds " + v + " at element " + i
                            + "; UINT8 values are whole numbers 0-255");
                }
                raw[i] = (byte) v;
            }
            encodeBytes(raw, count, encoder, rows);
        } else {
            encodeUnit(values, name, count, encoder, rows);
        }
        return new InferenceInput((String) idValue, rows, count, outputs(request));
    }

    /** The input's pixels from the binary part of the body, which it must use up exactly. */
    private static void binaryInput(JsonObject input, JsonObject parameters, Buffer binary, String datatype,
            String name, int count, InputEncoder encoder, float[] rows) {
        int pixels = encoder.pixels();
        int bytesPerValue = datatype.equals("UINT8") ? 1 : Float.BYTES;
        long expected = (long) count * pixels * bytesPerValue;
        // a whole number: 3136.5 must not pass as 3136
        if (!(parameters.getValue("binary_data_size") instanceof Number size)
                || !(size instanceof Integer || size instanceof Long) || size.longValue() != expected) {
            throw bad("input '" + name + "': binary_data_size must be " + expected + " bytes for its shape and "
                    + datatype + ", got " + parameters.getValue("binary_data_size"));
        }
        if (input.containsKey("data")) {
            throw bad("input '" + name + "' has both 'data' and binary data; send one");
        }
        if (binary == null || binary.length() != expected) {
            throw bad("input '" + name + "' needs " + expected + " bytes of binary data after the JSON, the body has "
                    + (binary == null ? "no Inference-Header-Content-Length header" : binary.length() + " bytes"));
        }
        encodeRaw(binary.getBytes(), datatype, name, count, encoder, rows);
    }

    /**
     * Rows from raw tensor bytes, as the binary extension and gRPC's {@code raw_input_contents} carry them: one byte
     * a pixel (UINT8) or little-endian FP32 in [0,1]; the length is checked by the caller.
     *
     * @throws ApiError 400 for a non-finite FP32 value
     */
    public static void encodeRaw(byte[] bytes, String datatype, String name, int count, InputEncoder encoder,
            float[] rows) {
        if (datatype.equals("UINT8")) {
            encodeBytes(bytes, count, encoder, rows);
            return;
        }
        float[] values = new float[count * encoder.pixels()];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
        encodeUnit(values, name, count, encoder, rows);
    }

    /** Rows from raw pixels, one byte each, normalized by the model's own encoder. */
    public static void encodeBytes(byte[] pixels, int count, InputEncoder encoder, float[] rows) {
        for (int i = 0; i < count; i++) {
            encoder.encodeBytes(pixels, i * encoder.pixels(), rows, i);
        }
    }

    /**
     * Rows from pixels in [0,1].
     *
     * @throws ApiError 400 for a value outside [0, 1] (far outside it, a network's softmax overflows to NaN)
     */
    public static void encodeUnit(float[] values, String name, int count, InputEncoder encoder, float[] rows) {
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                throw bad("input '" + name + "' holds a non-finite value at element " + i);
            }
            if (values[i] < 0 || values[i] > 1) {
                throw bad("input '" + name + "' holds " + values[i] + " at element " + i + "; FP32 pixels are in "
                        + "[0, 1] (or send UINT8 pixels, 0 to 255)");
            }
        }
        for (int i = 0; i < count; i++) {
            encoder.encodeUnit(values, i * encoder.pixels(), rows, i);
        }
    }

    private static long[] shape(JsonObject input, String name) {
        JsonArray shape = array(input, "shape", "input '" + name + "'");
        if (shape == null) {
            throw bad("input '" + name + "' has no 'shape'");
        }
        long[] dims = new long[shape.size()];
        for (int i = 0; i < dims.length; i++) {
            if (!(shape.getValue(i) instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())
                    || n.longValue() < 0) {
                throw bad("input '" + name + "' has a shape element that is not a non-negative integer: " + shape);
            }
            dims[i] = n.longValue();
        }
        return dims;
    }

    /**
     * The number of images of an input of this shape: {@code [N,pixels]} or {@code [N,channels,height,width]}, N from
     * 1 to {@code maxBatch}.
     *
     * @throws ApiError 400 naming what is wrong
     */
    public static int checkShape(long[] shape, String name, dev.fmnist.api.ImageShape image, int maxBatch) {
        boolean flat = shape.length == 2 && shape[1] == image.pixels();
        boolean picture = shape.length == 4 && shape[1] == image.channels() && shape[2] == image.height()
                && shape[3] == image.width();
        if (!flat && !picture) {
            throw bad("input '" + name + "' has shape " + java.util.Arrays.toString(shape) + "; expected [N,"
                    + image.pixels() + "] or [N," + image.channels() + "," + image.height() + "," + image.width() + "]");
        }
        if (shape[0] < 1) {
            throw bad("input '" + name + "' holds no image (N = 0)");
        }
        if (shape[0] > maxBatch) {
            throw bad("input '" + name + "' holds " + shape[0] + " images; at most " + maxBatch + " per request");
        }
        return (int) shape[0];
    }

    /** Row-major values of flat or nested data, which must hold exactly {@code expected} finite numbers. */
    /** The values of flat data, or of nested data whose nesting is the shape's, level by level. */
    private static float[] flatten(Object data, String name, long[] shape, long expected) {
        if (!(data instanceof JsonArray array)) {
            throw bad("input '" + name + "' has no 'data' array");
        }
        if (array.stream().anyMatch(JsonArray.class::isInstance)) {
            checkNesting(array, shape, 0, name, "data");
        }
        float[] values = new float[(int) expected];
        int[] position = {0};
        collect(array, values, position, name);
        if (position[0] != expected) {
            throw bad("input '" + name + "' holds " + position[0] + " values but its shape needs " + expected);
        }
        return values;
    }

    private static void checkNesting(JsonArray array, long[] shape, int depth, String name, String where) {
        if (depth >= shape.length || array.size() != shape[depth]) {
            throw bad("input '" + name + "': " + where + " has " + array.size() + " elements"
                    + (depth < shape.length ? " but the shape says " + shape[depth] : " nested deeper than its shape")
                    + "; nested data follows the shape exactly (or send it flat)");
        }
        for (int i = 0; i < array.size(); i++) {
            Object element = array.getValue(i);
            boolean last = depth == shape.length - 1;
            if (!last && element instanceof JsonArray nested) {
                checkNesting(nested, shape, depth + 1, name, where + "[" + i + "]");
            } else if (last == element instanceof JsonArray) {
                throw bad("input '" + name + "': " + where + "[" + i + "] is " + (last ? "an array" : "a single value")
                        + " but the shape " + java.util.Arrays.toString(shape) + " has " + (last ? "no more" : "more")
                        + " levels; nested data follows the shape exactly (or send it flat)");
            }
        }
    }

    private static void collect(JsonArray array, float[] values, int[] position, String name) {
        for (Object element : array) {
            if (element instanceof JsonArray nested) {
                collect(nested, values, position, name);
            } else if (element instanceof Number number) {
                double value = number.doubleValue();
                if (!Double.isFinite(value)) {
                    throw bad("input '" + name + "' holds a non-finite value at element " + position[0]);
                }
                if (position[0] >= values.length) {
                    position[0]++;
                    continue;
                }
                values[position[0]++] = (float) value;
            } else {
                throw bad("input '" + name + "' holds " + (element == null ? "null" : "'" + element + "'")
                        + " at element " + position[0] + "; expected numbers");
            }
        }
    }

    private static RequestedOutputs outputs(JsonObject request) {
        JsonArray outputs = array(request, "outputs", "the request");
        JsonObject requestParameters = request.getValue("parameters") instanceof JsonObject p ? p : new JsonObject();
        boolean allBinary = Boolean.TRUE.equals(requestParameters.getValue("binary_data_output"));
        if (outputs == null) {
            return new RequestedOutputs(Map.of(), Set.of(), allBinary);
        }
        Map<String, Integer> wanted = new LinkedHashMap<>();
        Set<String> binary = new HashSet<>();
        for (Object value : outputs) {
            if (!(value instanceof JsonObject output) || !(output.getValue("name") instanceof String name)) {
                throw bad("each requested output must be an object with a 'name'");
            }
            if (!name.equals(RequestedOutputs.PROBABILITIES) && !name.equals(RequestedOutputs.LABEL)) {
                throw bad("unknown output '" + name + "'; this model has 'probabilities' and 'label'");
            }
            int classification = 0;
            JsonObject parameters = output.getValue("parameters") instanceof JsonObject p ? p : new JsonObject();
            Object k = parameters.getValue("classification");
            if (k != null) {
                if (!(k instanceof Number n) || n.intValue() < 1 || n.doubleValue() != n.intValue()) {
                    throw bad("output '" + name + "': 'classification' must be a whole number >= 1");
                }
                classification = n.intValue();
            }
            wanted.put(name, classification);
            if (Boolean.TRUE.equals(parameters.getValue("binary_data"))) {
                binary.add(name);
            }
        }
        return new RequestedOutputs(wanted, binary, allBinary);
    }

    private static JsonArray array(JsonObject object, String key, String where) {
        Object value = object.getValue(key);
        if (value == null) {
            return null;
        }
        if (!(value instanceof JsonArray array)) {
            throw bad("'" + key + "' of " + where + " must be an array");
        }
        return array;
    }

    /** The response to a request's probabilities: JSON, and binary data for the outputs asked for as binary. */
    public static InferenceResponse response(ServedModel model, InferenceInput input, float[][] probabilities,
            List<String> classNames) {
        JsonArray outputs = new JsonArray();
        Buffer binary = Buffer.buffer();
        Map<String, Integer> wanted = input.outputs().all()
                ? Map.of(RequestedOutputs.PROBABILITIES, 0, RequestedOutputs.LABEL, 0)
                : input.outputs().classification();
        for (String name : List.of(RequestedOutputs.PROBABILITIES, RequestedOutputs.LABEL)) {
            if (!wanted.containsKey(name)) {
                continue;
            }
            int k = Math.min(wanted.get(name), classNames.size());
            JsonObject output;
            if (k > 0) {
                output = classification(name, probabilities, k, classNames);
            } else if (name.equals(RequestedOutputs.PROBABILITIES)) {
                JsonArray data = new JsonArray();
                for (float[] row : probabilities) {
                    for (float p : row) {
                        data.add(p);
                    }
                }
                output = new JsonObject().put("name", name).put("datatype", "FP32")
                        .put("shape", new JsonArray().add(probabilities.length).add(classNames.size())).put("data", data);
            } else {
                JsonArray data = new JsonArray(new java.util.ArrayList<>(labels(probabilities, classNames)));
                output = new JsonObject().put("name", name).put("datatype", "BYTES")
                        .put("shape", new JsonArray().add(probabilities.length)).put("data", data);
            }
            if (input.outputs().binary(name)) {
                Buffer bytes = binary(output);
                output.remove("data");
                output.put("parameters", new JsonObject().put("binary_data_size", bytes.length()));
                binary.appendBuffer(bytes);
            }
            outputs.add(output);
        }
        JsonObject response = new JsonObject().put("model_name", model.name()).put("model_version", model.version());
        if (input.id() != null) {
            response.put("id", input.id());
        }
        return new InferenceResponse(response.put("outputs", outputs), binary);
    }

    /** An output's data as Triton's binary form: little-endian FP32, or length-prefixed UTF-8 BYTES. */
    private static Buffer binary(JsonObject output) {
        JsonArray data = output.getJsonArray("data");
        Buffer bytes = Buffer.buffer();
        for (Object value : data) {
            if (value instanceof Number number) {
                bytes.appendFloatLE(number.floatValue());
            } else {
                byte[] text = value.toString().getBytes(StandardCharsets.UTF_8);
                bytes.appendIntLE(text.length).appendBytes(text);
            }
        }
        return bytes;
    }

    /** Triton's classification extension: "value:index:label" for the top k classes of each image. */
    private static JsonObject classification(String name, float[][] probabilities, int k, List<String> classNames) {
        JsonArray data = new JsonArray();
        for (float[] row : probabilities) {
            topClasses(row, k, classNames).forEach(data::add);
        }
        return new JsonObject().put("name", name).put("datatype", "BYTES")
                .put("shape", new JsonArray().add(probabilities.length).add(k)).put("data", data);
    }

    /** One image's top {@code k} classes as the classification extension writes them: "value:index:label". */
    public static List<String> topClasses(float[] probabilities, int k, List<String> classNames) {
        return Prediction.of(probabilities, k, classNames).top().stream()
                .map(c -> String.format(java.util.Locale.ROOT, "%f:%d:%s", c.probability(), c.classIndex(), c.label()))
                .toList();
    }

    /** Each image's most likely class name: the {@code label} output. */
    public static List<String> labels(float[][] probabilities, List<String> classNames) {
        List<String> labels = new java.util.ArrayList<>(probabilities.length);
        for (float[] row : probabilities) {
            labels.add(Prediction.of(row, 1, classNames).best().label());
        }
        return labels;
    }

    private static ApiError bad(String message) {
        return new ApiError(400, message);
    }
}
