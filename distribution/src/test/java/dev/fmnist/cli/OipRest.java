package dev.fmnist.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

/** A served model's class probabilities for raw images, asked over the Open Inference Protocol's REST infer. */
final class OipRest {

    private OipRest() {}

    static float[][] probabilities(int port, String model, List<byte[]> images) throws Exception {
        JsonArray pixels = new JsonArray();
        images.forEach(image -> {
            for (byte pixel : image) {
                pixels.add(pixel & 0xff);
            }
        });
        JsonObject request = new JsonObject().put("inputs", new JsonArray().add(new JsonObject().put("name", "input")
                .put("datatype", "UINT8").put("shape", new JsonArray(List.of(images.size(), 784))).put("data", pixels)));
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/v2/models/" + model + "/infer"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(request.encode())).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        for (Object output : new JsonObject(response.body()).getJsonArray("outputs")) {
            JsonObject tensor = (JsonObject) output;
            if (tensor.getString("name").equals("probabilities")) {
                return rows(tensor.getJsonArray("data").stream().map(v -> ((Number) v).floatValue()).toList(),
                        images.size());
            }
        }
        throw new AssertionError("no probabilities in " + response.body());
    }

    /** Flat values as one row per image. */
    static float[][] rows(List<Float> values, int count) {
        float[][] rows = new float[count][values.size() / count];
        for (int i = 0; i < values.size(); i++) {
            rows[i / rows[0].length][i % rows[0].length] = values.get(i);
        }
        return rows;
    }
}
