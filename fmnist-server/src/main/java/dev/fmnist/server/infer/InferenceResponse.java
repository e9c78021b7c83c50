package dev.fmnist.server.infer;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * An inference response: the JSON object and, when outputs were asked for as binary data, their bytes to send
 * after it (the JSON's length then goes in the {@code Inference-Header-Content-Length} header).
 */
public record InferenceResponse(JsonObject json, Buffer binary) {

    public boolean hasBinary() {
        return binary.length() > 0;
    }
}
