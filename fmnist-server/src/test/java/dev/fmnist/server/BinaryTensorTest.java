package dev.fmnist.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fmnist.api.data.LabelledImages;
import dev.fmnist.data.RealDataset;
import dev.fmnist.runtime.TestModels;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Triton's binary tensor extension on infer, against the JSON form, on a real server with real test images. */
@Tag("dataset")
class BinaryTensorTest {

    private static final String HEADER = "Inference-Header-Content-Length";
    private static final int IMAGES = 5;

    static PredictionServer server;
    static Http http;
    static LabelledImages test;

    @BeforeAll
    static void start() {
        test = RealDataset.get().dataset().testImages();
        server = PredictionServer.start(ServerConfig.defaults().withPort(0),
                List.of(new ModelSource("cnn", TestModels.cnn())), "test");
        http = new Http(server.port());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static JsonObject request(String datatype, Object data, Integer binarySize, boolean binaryOutputs) {
        JsonObject input = new JsonObject().put("name", "input").put("datatype", datatype)
                .put("shape", new JsonArray().add(IMAGES).add(1).add(28).add(28));
        if (data != null) {
            input.put("data", data);
        }
        if (binarySize != null) {
            input.put("parameters", new JsonObject().put("binary_data_size", binarySize));
        }
        JsonObject request = new JsonObject().put("inputs", new JsonArray().add(input));
        if (binaryOutputs) {
            request.put("outputs", new JsonArray()
                    .add(new JsonObject().put("name", "probabilities").put("parameters",
                            new JsonObject().put("binary_data", true)))
                    .add(new JsonObject().put("name", "label").put("parameters",
                            new JsonObject().put("binary_data", true))));
        }
        return request;
    }

    private static byte[] pixels() {
        byte[] bytes = new byte[IMAGES * 784];
        for (int i = 0; i < IMAGES; i++) {
            for (int p = 0; p < 784; p++) {
                bytes[i * 784 + p] = (byte) test.pixel(i, p);
            }
        }
        return bytes;
    }

    private static byte[] body(JsonObject json, byte[] binary) {
        byte[] header = json.encode().getBytes(StandardCharsets.UTF_8);
        byte[] body = Arrays.copyOf(header, header.length + binary.length);
        System.arraycopy(binary, 0, body, header.length, binary.length);
        return body;
    }

    private static float[] jsonProbabilities(JsonObject response) {
        JsonArray data = response.getJsonArray("outputs").getJsonObject(0).getJsonArray("data");
        float[] values = new float[data.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = data.getFloat(i);
        }
        return values;
    }

    @Test
    void binaryAndJsonRequestsGiveIdenticalOutputs() {
        JsonArray unit = new JsonArray();
        byte[] pixels = pixels();
        ByteBuffer floats = ByteBuffer.allocate(pixels.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (byte b : pixels) {
            unit.add(Byte.toUnsignedInt(b) / 255f);
            floats.putFloat(Byte.toUnsignedInt(b) / 255f);
        }
        Http.Response json = http.postJson("/v2/models/cnn/infer", request("FP32", unit, null, false));
        assertThat(json.status()).as(json.body()).isEqualTo(200);
        float[] expected = jsonProbabilities(json.json());

        JsonObject header = request("FP32", null, floats.capacity(), true);
        Http.RawResponse binary = http.postRaw("/v2/models/cnn/infer", body(header, floats.array()),
                "Content-Type", "application/octet-stream", HEADER, Integer.toString(header.encode().length()));
        assertThat(binary.status()).as(new String(binary.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        int jsonLength = Integer.parseInt(binary.headers().firstValue(HEADER).orElseThrow());
        JsonObject answer = new JsonObject(new String(binary.body(), 0, jsonLength, StandardCharsets.UTF_8));
        JsonObject probabilities = answer.getJsonArray("outputs").getJsonObject(0);
        assertThat(probabilities.containsKey("data")).isFalse();
        int size = probabilities.getJsonObject("parameters").getInteger("binary_data_size");
        assertThat(size).isEqualTo(IMAGES * 10 * 4);
        ByteBuffer tail = ByteBuffer.wrap(binary.body(), jsonLength, binary.body().length - jsonLength)
                .order(ByteOrder.LITTLE_ENDIAN);
        float[] actual = new float[IMAGES * 10];
        tail.asFloatBuffer().get(actual);
        assertThat(actual).containsExactly(expected);

        // The labels follow, each a 4-byte little-endian length and UTF-8 text.
        tail.position(tail.position() + size);
        List<String> labels = new ArrayList<>();
        while (tail.hasRemaining()) {
            byte[] text = new byte[tail.getInt()];
            tail.get(text);
            labels.add(new String(text, StandardCharsets.UTF_8));
        }
        JsonArray jsonLabels = json.json().getJsonArray("outputs").getJsonObject(1).getJsonArray("data");
        assertThat(labels).containsExactlyElementsOf(jsonLabels.stream().map(Object::toString).toList());
    }

    @Test
    void uint8PixelsGiveTheSamePredictionsAsFp32() {
        byte[] pixels = pixels();
        JsonArray unit = new JsonArray();
        for (byte b : pixels) {
            unit.add(Byte.toUnsignedInt(b) / 255f);
        }
        float[] fp32 = jsonProbabilities(http.postJson("/v2/models/cnn/infer", request("FP32", unit, null, false))
                .json());
        JsonObject header = request("UINT8", null, pixels.length, false);
        Http.RawResponse uint8 = http.postRaw("/v2/models/cnn/infer", body(header, pixels),
                "Content-Type", "application/octet-stream", HEADER, Integer.toString(header.encode().length()));
        assertThat(uint8.status()).isEqualTo(200);
        assertThat(uint8.headers().firstValue(HEADER)).as("JSON outputs: no binary part").isEmpty();
        float[] fromBytes = jsonProbabilities(new JsonObject(new String(uint8.body(), StandardCharsets.UTF_8)));
        for (int i = 0; i < fp32.length; i++) {
            assertThat(fromBytes[i]).isCloseTo(fp32[i], org.assertj.core.data.Offset.offset(1e-6f));
        }
    }

    @Test
    void malformedBinaryRequestsAreRefusedWithTheProtocolsError() {
        byte[] pixels = pixels();
        JsonObject header = request("UINT8", null, pixels.length, false);
        String length = Integer.toString(header.encode().length());
        assertThat(error(body(header, pixels), "99999")).contains("Inference-Header-Content-Length is 99999");
        assertThat(error(body(header, Arrays.copyOf(pixels, 100)), length))
                .contains("needs " + pixels.length + " bytes of binary data after the JSON, the body has 100 bytes");
        JsonObject wrongSize = request("UINT8", null, 17, false);
        assertThat(error(body(wrongSize, pixels), Integer.toString(wrongSize.encode().length())))
                .contains("binary_data_size must be " + pixels.length + " bytes");
        JsonObject noSize = request("UINT8", new JsonArray().add(1), null, false);
        assertThat(error(body(noSize, pixels), Integer.toString(noSize.encode().length())))
                .contains("has no 'binary_data_size' parameter");
        assertThat(error(body(header, pixels), "many")).contains("must be a whole number, got 'many'");
    }

    private static String error(byte[] body, String headerLength) {
        Http.RawResponse response = http.postRaw("/v2/models/cnn/infer", body, "Content-Type",
                "application/octet-stream", HEADER, headerLength);
        assertThat(response.status()).isEqualTo(400);
        return new JsonObject(new String(response.body(), StandardCharsets.UTF_8)).getString("error");
    }
}
