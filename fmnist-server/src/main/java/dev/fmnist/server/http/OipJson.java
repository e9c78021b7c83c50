package dev.fmnist.server.http;

import dev.fmnist.image.encode.InputEncoder;
import dev.fmnist.runtime.predict.EncodedBatch;
import dev.fmnist.server.inference.InferenceRequest;
import dev.fmnist.server.inference.InputTensors;
import dev.fmnist.server.inference.ModelMetadata;
import dev.fmnist.server.inference.RequestedOutputs;
import dev.fmnist.server.inference.ServingError;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Open Inference Protocol's JSON form: requests read into an {@link InferenceRequest}, and model metadata
 * written ({@link JsonAnswer} writes the answers). The data may be flat or nested as the shape. Triton's binary tensor extension: with an
 * {@code Inference-Header-Content-Length} header the body is that many bytes of JSON followed by the inputs' data
 * ({@code binary_data_size}: little-endian FP32, or one byte per UINT8 pixel), and outputs asked for with
 * {@code binary_data} (or the request's {@code binary_data_output}) come back the same way (BYTES elements as a
 * 4-byte little-endian length and the UTF-8 bytes). The checks of the values are the core's ({@link InputTensors}).
 */
public final class OipJson {

    private OipJson() {}

    public static JsonObject metadata(ModelMetadata metadata) {
        return new JsonObject().put("name", metadata.name()).put("versions", new JsonArray(metadata.versions()))
                .put("platform", metadata.platform())
                .put("inputs", tensors(metadata.inputs())).put("outputs", tensors(metadata.outputs()));
    }

    private static JsonArray tensors(List<ModelMetadata.Tensor> tensors) {
        JsonArray array = new JsonArray();
        tensors.forEach(t -> array.add(new JsonObject().put("name", t.name()).put("datatype", t.datatype())
                .put("shape", new JsonArray(t.shape()))));
        return array;
    }

    /**
     * Reads and checks a request body, JSON alone or JSON followed by binary data.
     *
     * @param headerLength the {@code Inference-Header-Content-Length} header; null for a JSON-only body
     * @throws ServingError INVALID_INPUT naming what is wrong
     */
    public static InferenceRequest parse(Buffer body, String headerLength, InputEncoder encoder, int maxBatch) {
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
            throw bad("the request must have exactly one input ('" + InputTensors.INPUT + "'), got "
                    + (inputs == null ? "none" : inputs.size()));
        }
        if (!(inputs.getValue(0) instanceof JsonObject input)) {
            throw bad("inputs[0] must be an object");
        }
        if (!(input.getValue("name") instanceof String name)) {
            throw bad("inputs[0] has no 'name'");
        }
        String datatype = input.getValue("datatype") instanceof String s ? s : "";
        InputTensors.checkDatatype(name, datatype);
        long[] shape = shape(input, name);
        int count = InputTensors.count(shape, name, encoder.shape(), maxBatch);
        long values = (long) count * encoder.pixels();
        JsonObject parameters = input.getValue("parameters") instanceof JsonObject p ? p : new JsonObject();
        EncodedBatch batch;
        if (parameters.containsKey("binary_data_size")) {
            batch = binaryInput(input, parameters, binary, datatype, name, count, encoder);
        } else {
            if (binary != null && binary.length() > 0) {
                throw bad("the body has " + binary.length() + " bytes of binary data but input '" + name
                        + "' has no 'binary_data_size' parameter");
            }
            double[] data = flatten(input.getValue("data"), name, shape, values);
            if (datatype.equals("UINT8")) {
                batch = InputTensors.fromUint8(name, data, count, encoder);
            } else {
                float[] unit = new float[data.length];
                for (int i = 0; i < unit.length; i++) {
                    unit[i] = (float) data[i];
                }
                batch = InputTensors.fromUnit(name, unit, count, encoder);
            }
        }
        return new InferenceRequest((String) idValue, batch, outputs(request));
    }

    /** The input's pixels from the binary part of the body, which it must use up exactly. */
    private static EncodedBatch binaryInput(JsonObject input, JsonObject parameters, Buffer binary, String datatype,
            String name, int count, InputEncoder encoder) {
        long expected = (long) count * encoder.pixels() * (datatype.equals("UINT8") ? 1 : Float.BYTES);
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
        return InputTensors.fromRaw(name, datatype, binary.getBytes(), count, encoder, "binary");
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

    /** The values of flat data, or of nested data whose nesting is the shape's, level by level. */
    private static double[] flatten(Object data, String name, long[] shape, long expected) {
        if (!(data instanceof JsonArray array)) {
            throw bad("input '" + name + "' has no 'data' array");
        }
        if (array.stream().anyMatch(JsonArray.class::isInstance)) {
            checkNesting(array, shape, 0, name, "data");
        }
        double[] values = new double[(int) expected];
        int[] position = {0};
        collect(array, values, position, name);
        InputTensors.checkValues(name, position[0], expected, "");
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
                        + " but the shape " + Arrays.toString(shape) + " has " + (last ? "no more" : "more")
                        + " levels; nested data follows the shape exactly (or send it flat)");
            }
        }
    }

    private static void collect(JsonArray array, double[] values, int[] position, String name) {
        for (Object element : array) {
            if (element instanceof JsonArray nested) {
                collect(nested, values, position, name);
            } else if (element instanceof Number number) {
                double value = number.doubleValue();
                if (!Double.isFinite(value)) {
                    throw bad("input '" + name + "' holds a non-finite value at element " + position[0]);
                }
                if (position[0] < values.length) {
                    values[position[0]] = value;
                }
                position[0]++;
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
            RequestedOutputs.checkName(name);
            JsonObject parameters = output.getValue("parameters") instanceof JsonObject p ? p : new JsonObject();
            Object k = parameters.getValue("classification");
            if (k != null && !(k instanceof Number)) {
                throw bad("output '" + name + "': 'classification' must be a whole number >= 1");
            }
            wanted.put(name, k == null ? 0 : RequestedOutputs.classification(name, ((Number) k).doubleValue()));
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

    private static ServingError bad(String message) {
        return ServingError.invalid(message);
    }
}
