package dev.fmnist.server.http;

import dev.fmnist.server.inference.InferenceRequest;
import dev.fmnist.server.inference.OutputTensor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An inference answer in the protocol's JSON form: the JSON object and, when outputs were asked for as binary data,
 * their bytes to send after it (the JSON's length then goes in the {@code Inference-Header-Content-Length} header).
 */
record JsonAnswer(JsonObject json, Buffer binary) {

    boolean hasBinary() {
        return binary.length() > 0;
    }

    /**
     * The answer: JSON, and after it the data of the outputs asked for as binary, written from the values
     * themselves.
     */
    static JsonAnswer of(String model, String version, InferenceRequest request,
            List<OutputTensor> outputs) {
        JsonArray written = new JsonArray();
        Buffer binary = Buffer.buffer();
        for (OutputTensor output : outputs) {
            JsonObject tensor = new JsonObject().put("name", output.name()).put("datatype", output.datatype())
                    .put("shape", new JsonArray(Arrays.stream(output.shape()).boxed().toList()));
            if (request.outputs().binary(output.name())) {
                int before = binary.length();
                appendBinary(output, binary);
                tensor.put("parameters", new JsonObject().put("binary_data_size", binary.length() - before));
            } else if (output.isFloat()) {
                JsonArray data = new JsonArray(new ArrayList<>(output.floats().length));
                for (float value : output.floats()) {
                    data.add(value);
                }
                tensor.put("data", data);
            } else if (output.isBool()) {
                JsonArray data = new JsonArray(new ArrayList<>(output.booleans().length));
                for (boolean value : output.booleans()) {
                    data.add(value);
                }
                tensor.put("data", data);
            } else {
                tensor.put("data", new JsonArray(new ArrayList<>(output.strings())));
            }
            written.add(tensor);
        }
        JsonObject json = new JsonObject().put("model_name", model).put("model_version", version);
        if (request.id() != null) {
            json.put("id", request.id());
        }
        return new JsonAnswer(json.put("outputs", written), binary);
    }

    /**
     * An output's data as Triton's binary form: little-endian FP32, one byte per BOOL, or length-prefixed UTF-8
     * BYTES.
     */
    private static void appendBinary(OutputTensor output, Buffer bytes) {
        if (output.isFloat()) {
            for (float value : output.floats()) {
                bytes.appendFloatLE(value);
            }
            return;
        }
        if (output.isBool()) {
            for (boolean value : output.booleans()) {
                bytes.appendByte((byte) (value ? 1 : 0));
            }
            return;
        }
        for (String element : output.strings()) {
            byte[] text = element.getBytes(StandardCharsets.UTF_8);
            bytes.appendIntLE(text.length).appendBytes(text);
        }
    }
}
