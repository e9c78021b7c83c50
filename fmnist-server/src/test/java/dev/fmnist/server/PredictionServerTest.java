package dev.fmnist.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fmnist.api.data.LabelledImages;
import dev.fmnist.data.RealDataset;
import dev.fmnist.runtime.TestModels;
import dev.fmnist.runtime.predict.Predictions;
import dev.fmnist.runtime.predict.Predictor;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A real server on a random loopback port, real models (FLAT and IMAGE layer stacks, a graph with a skip
 * connection) and a broken one.
 */
@Tag("dataset")
class PredictionServerTest {

    static PredictionServer server;
    static Http http;
    static LabelledImages test;
    static Predictions offlineMlp;
    static Predictions offlineCnn;
    static Predictions offlineStandardized;
    static Predictions offlineResidual;

    @BeforeAll
    static void start() {
        // Room in the queue for all 500 requests of the concurrency test: whether 256 fill up depends on the
        // machine's speed, and 503s for a full queue are ServerLimitsTest's subject.
        ServerConfig defaults = ServerConfig.defaults();
        server = PredictionServer.start(defaults.withPort(0).withLimits(defaults.maxBodyBytes(),
                        defaults.maxImagePixels(), defaults.maxBatchSize(), 1024, defaults.timeoutMillis()),
                List.of(new ModelSource("fashion", TestModels.mlp()), new ModelSource(null, TestModels.cnn()),
                        new ModelSource("standardized", TestModels.standardizedMlp()),
                        new ModelSource("residual", TestModels.residual()),
                        new ModelSource("broken", Path.of("/nonexistent/run"))), "test");
        http = new Http(server.port());
        test = RealDataset.get().dataset().testImages();
        offlineMlp = offline(TestModels.mlp());
        offlineCnn = offline(TestModels.cnn());
        offlineStandardized = offline(TestModels.standardizedMlp());
        offlineResidual = offline(TestModels.residual());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Predictions offline(Path run) {
        return Predictor.load(run).predictions(test);
    }

    /** The first {@code n} test images as FP32 rows in [0,1]. */
    private static JsonArray unitPixels(int from, int n) {
        JsonArray data = new JsonArray();
        for (int i = from; i < from + n; i++) {
            for (int p = 0; p < 784; p++) {
                data.add(test.pixel(i, p) / 255.0f);
            }
        }
        return data;
    }

    static JsonObject request(String datatype, JsonArray shape, JsonArray data) {
        return new JsonObject().put("inputs", new JsonArray().add(new JsonObject().put("name", "input")
                .put("shape", shape).put("datatype", datatype).put("data", data)));
    }

    static byte[] png(LabelledImages images, int index) {
        return dev.fmnist.image.DatasetImages.png(images, index);
    }

    @Test
    void metricsShowTheResidentSizeAndItsLimit() {
        String metrics = http.get("/metrics").body();
        double resident = metric(metrics, "process_resident_memory_bytes");
        assertThat(resident).as("a server with five models is resident").isGreaterThan(50e6);
        // this test's JVM keeps JavaCPP's own check (the launcher moves it for serve): its limit is the one shown
        assertThat(metric(metrics, "fmnist_resident_memory_limit_bytes"))
                .isEqualTo((double) org.bytedeco.javacpp.Pointer.maxPhysicalBytes());
        assertThat(metrics).doesNotContain("fmnist_resident_memory_collections_total");
    }

    /** The value of an untagged series in Prometheus's text format. */
    private static double metric(String metrics, String name) {
        return metrics.lines().filter(line -> line.startsWith(name + " ")).findFirst()
                .map(line -> Double.parseDouble(line.substring(name.length() + 1).strip()))
                .orElseThrow(() -> new AssertionError(name + " not in /metrics"));
    }

    @Test
    void theSchemaCheckCatchesAWrongBody() {
        assertThat(OpenApiSchemas.validate("inference_response", "{\"outputs\": 3}")).isNotEmpty();
        assertThat(OpenApiSchemas.validate("metadata_server_response", "{\"name\": \"x\"}")).isNotEmpty();
    }

    private static void assertConforms(String schema, Http.Response response) {
        assertThat(OpenApiSchemas.validate(schema, response.body())).as(schema + ": " + response.body()).isEmpty();
    }

    @Test
    void healthTellsTheTruthAboutABrokenModel() {
        Http.Response live = http.get("/v2/health/live");
        assertThat(live.status()).isEqualTo(200);
        assertThat(live.json().getBoolean("live")).isTrue();

        Http.Response ready = http.get("/v2/health/ready");
        assertThat(ready.status()).isEqualTo(503);
        assertThat(ready.json().getBoolean("ready")).isFalse();
        assertThat(ready.json().getString("error")).contains("model 'broken'").contains("/nonexistent/run");

        assertThat(http.get("/v2/models/fashion/ready").status()).isEqualTo(200);
        assertThat(http.get("/v2/models/fashion/ready").json().getBoolean("ready")).isTrue();
        Http.Response broken = http.get("/v2/models/broken/ready");
        assertThat(broken.status()).isEqualTo(503);
        assertThat(broken.json().getString("error")).contains("/nonexistent/run");
        Http.Response inferBroken = http.postJson("/v2/models/broken/infer", request("FP32",
                new JsonArray().add(1).add(784), unitPixels(0, 1)));
        assertThat(inferBroken.status()).isEqualTo(503);
        assertConforms("inference_error_response", inferBroken);
    }

    @Test
    void serverAndModelMetadataFollowTheProtocol() {
        Http.Response server = http.get("/v2");
        assertThat(server.status()).isEqualTo(200);
        assertConforms("metadata_server_response", server);
        assertThat(server.json().getString("name")).isEqualTo("fmnist");

        Http.Response model = http.get("/v2/models/fashion");
        assertThat(model.status()).isEqualTo(200);
        assertConforms("metadata_model_response", model);
        assertThat(model.json().getJsonArray("inputs").getJsonObject(0).getJsonArray("shape"))
                .isEqualTo(new JsonArray().add(-1).add(784));
        Http.Response cnn = http.get("/v2/models/cnn/versions/cnn");
        assertThat(cnn.status()).isEqualTo(200);
        assertThat(cnn.json().getJsonArray("inputs").getJsonObject(0).getJsonArray("shape"))
                .isEqualTo(new JsonArray().add(-1).add(1).add(28).add(28));

        Http.Response unknown = http.get("/v2/models/densenet");
        assertThat(unknown.status()).isEqualTo(404);
        assertConforms("metadata_model_error_response", unknown);
        assertThat(unknown.json().getString("error")).isEqualTo("unknown model 'densenet'; served: fashion, cnn, standardized, residual, broken");
        assertThat(http.get("/v2/models/fashion/versions/v9").status()).isEqualTo(404);
    }

    @Test
    void inferAgreesWithTheModelOffline() {
        JsonObject body = request("FP32", new JsonArray().add(8).add(784), unitPixels(0, 8)).put("id", "req-42");
        Http.Response response = http.postJson("/v2/models/fashion/infer", body);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertConforms("inference_response", response);
        JsonObject json = response.json();
        assertThat(json.getString("id")).isEqualTo("req-42");
        assertThat(json.getString("model_name")).isEqualTo("fashion");
        JsonObject probabilities = json.getJsonArray("outputs").getJsonObject(0);
        assertThat(probabilities.getString("name")).isEqualTo("probabilities");
        assertThat(probabilities.getJsonArray("shape")).isEqualTo(new JsonArray().add(8).add(10));
        JsonArray labels = json.getJsonArray("outputs").getJsonObject(1).getJsonArray("data");
        for (int i = 0; i < 8; i++) {
            assertThat(labels.getString(i)).isEqualTo(test.classNames().get(offlineMlp.predicted(i)));
            for (int c = 0; c < 10; c++) {
                assertThat(probabilities.getJsonArray("data").getFloat(i * 10 + c))
                        .isCloseTo(offlineMlp.probability(i, c), org.assertj.core.data.Offset.offset(1e-4f));
            }
        }
    }

    /** A graph network (ComputationGraph) answers infer and the image route like a layer stack. */
    @Test
    void aGraphNetworkIsServedLikeALayerStack() {
        Http.Response metadata = http.get("/v2/models/residual");
        assertThat(metadata.status()).as(metadata.body()).isEqualTo(200);
        JsonObject body = request("FP32", new JsonArray().add(4).add(1).add(28).add(28), unitPixels(0, 4));
        Http.Response response = http.postJson("/v2/models/residual/infer", body);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        JsonArray probabilities = response.json().getJsonArray("outputs").getJsonObject(0).getJsonArray("data");
        for (int i = 0; i < 4; i++) {
            for (int c = 0; c < 10; c++) {
                assertThat(probabilities.getFloat(i * 10 + c))
                        .isCloseTo(offlineResidual.probability(i, c), org.assertj.core.data.Offset.offset(1e-4f));
            }
        }
        Http.Response image = http.post("/v2/models/residual/classify", "image/png", png(test, 1));
        assertThat(image.status()).as(image.body()).isEqualTo(200);
        assertThat(image.json().getJsonArray("predictions").getJsonObject(0).getJsonArray("top").getJsonObject(0)
                .getInteger("index")).isEqualTo(offlineResidual.predicted(1));
    }

    /** A model trained on standardized pixels: FP32, UINT8 and image inputs are all normalized by its manifest. */
    @Test
    void everyInputRouteStandardizesLikeTraining() throws IOException {
        JsonArray raw = new JsonArray();
        for (int i = 0; i < 4; i++) {
            for (int p = 0; p < 784; p++) {
                raw.add(test.pixel(i, p));
            }
        }
        JsonArray shape = new JsonArray().add(4).add(784);
        for (Http.Response response : List.of(
                http.postJson("/v2/models/standardized/infer", request("FP32", shape, unitPixels(0, 4))),
                http.postJson("/v2/models/standardized/infer", request("UINT8", shape, raw)))) {
            assertThat(response.status()).as(response.body()).isEqualTo(200);
            JsonArray probabilities = response.json().getJsonArray("outputs").getJsonObject(0).getJsonArray("data");
            for (int i = 0; i < 4; i++) {
                for (int c = 0; c < 10; c++) {
                    assertThat(probabilities.getFloat(i * 10 + c)).as("image %d class %d", i, c)
                            .isCloseTo(offlineStandardized.probability(i, c), org.assertj.core.data.Offset.offset(1e-4f));
                }
            }
        }
        Http.Response image = http.post("/v2/models/standardized/classify?top=10", "image/png", png(test, 0));
        assertThat(image.status()).as(image.body()).isEqualTo(200);
        JsonObject best = image.json().getJsonArray("predictions").getJsonObject(0).getJsonArray("top").getJsonObject(0);
        assertThat(best.getInteger("index")).isEqualTo(offlineStandardized.predicted(0));
        assertThat(best.getDouble("probability")).isCloseTo(offlineStandardized.confidence(0),
                org.assertj.core.data.Offset.offset(1e-4));
    }

    @Test
    void uint8ImagesInNestedDataOnAnImageModel() {
        JsonArray images = new JsonArray();
        for (int i = 0; i < 4; i++) {
            JsonArray rows = new JsonArray();
            for (int y = 0; y < 28; y++) {
                JsonArray row = new JsonArray();
                for (int x = 0; x < 28; x++) {
                    row.add(test.pixel(i, y * 28 + x));
                }
                rows.add(row);
            }
            images.add(new JsonArray().add(rows));
        }
        JsonObject body = request("UINT8", new JsonArray().add(4).add(1).add(28).add(28), images)
                .put("outputs", new JsonArray().add(new JsonObject().put("name", "label")));
        Http.Response response = http.postJson("/v2/models/cnn/infer", body);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertConforms("inference_response", response);
        JsonArray outputs = response.json().getJsonArray("outputs");
        assertThat(outputs).hasSize(1);
        for (int i = 0; i < 4; i++) {
            assertThat(outputs.getJsonObject(0).getJsonArray("data").getString(i))
                    .isEqualTo(test.classNames().get(offlineCnn.predicted(i)));
        }
    }

    @Test
    void classificationExtensionGivesTopKStrings() {
        JsonObject body = request("FP32", new JsonArray().add(2).add(784), unitPixels(0, 2)).put("outputs",
                new JsonArray().add(new JsonObject().put("name", "probabilities")
                        .put("parameters", new JsonObject().put("classification", 3))));
        Http.Response response = http.postJson("/v2/models/fashion/infer", body);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        JsonObject output = response.json().getJsonArray("outputs").getJsonObject(0);
        assertThat(output.getString("datatype")).isEqualTo("BYTES");
        assertThat(output.getJsonArray("shape")).isEqualTo(new JsonArray().add(2).add(3));
        String first = output.getJsonArray("data").getString(0);
        int best = offlineMlp.predicted(0);
        assertThat(first).matches("0\\.[0-9]+:" + best + ":" + java.util.regex.Pattern.quote(test.classNames().get(best))
                + "|1\\.0+:" + best + ":.*");
    }

    @Test
    void imageEndpointAgreesWithInferAndTakesMultipart() throws IOException {
        Http.Response single = http.post("/v2/models/cnn/classify?top=3", "image/png", png(test, 0));
        assertThat(single.status()).as(single.body()).isEqualTo(200);
        JsonObject prediction = single.json().getJsonArray("predictions").getJsonObject(0);
        assertThat(prediction.getJsonArray("top")).hasSize(3);
        assertThat(prediction.getJsonArray("top").getJsonObject(0).getInteger("index")).isEqualTo(offlineCnn.predicted(0));

        String boundary = "----fmnist" + System.nanoTime();
        ByteArrayOutputStream multipart = new ByteArrayOutputStream();
        for (int i = 1; i <= 3; i++) {
            multipart.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\"item-" + i
                    + ".png\"\r\nContent-Type: image/png\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            multipart.write(png(test, i));
            multipart.write("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        multipart.write(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        Http.Response many = http.post("/v2/models/cnn/classify?top=1", "multipart/form-data; boundary=" + boundary,
                multipart.toByteArray());
        assertThat(many.status()).as(many.body()).isEqualTo(200);
        JsonArray predictions = many.json().getJsonArray("predictions");
        assertThat(predictions).hasSize(3);
        for (int i = 1; i <= 3; i++) {
            JsonObject p = predictions.getJsonObject(i - 1);
            assertThat(p.getString("name")).isEqualTo("item-" + i + ".png");
            assertThat(p.getJsonArray("top").getJsonObject(0).getInteger("index")).isEqualTo(offlineCnn.predicted(i));
        }
    }

    @Test
    void badInputGetsTheRightStatusAndTheProtocolsErrorObject() {
        List<Http.Response> bad = new ArrayList<>();
        Http.Response shape = http.postJson("/v2/models/fashion/infer",
                request("FP32", new JsonArray().add(1).add(100), new JsonArray()));
        assertThat(shape.status()).isEqualTo(400);
        assertThat(shape.json().getString("error")).contains("has shape [1, 100]; expected [N,784] or [N,1,28,28]");
        bad.add(shape);
        Http.Response type = http.postJson("/v2/models/fashion/infer",
                request("INT64", new JsonArray().add(1).add(784), unitPixels(0, 1)));
        assertThat(type.status()).isEqualTo(400);
        assertThat(type.json().getString("error")).contains("datatype 'INT64'");
        bad.add(type);
        JsonArray withNaN = unitPixels(0, 1);
        withNaN.set(5, "NaN");
        Http.Response nan = http.postJson("/v2/models/fashion/infer", request("FP32", new JsonArray().add(1).add(784), withNaN));
        assertThat(nan.status()).isEqualTo(400);
        assertThat(nan.json().getString("error")).contains("'NaN' at element 5");
        bad.add(nan);
        Http.Response count = http.postJson("/v2/models/fashion/infer",
                request("FP32", new JsonArray().add(2).add(784), unitPixels(0, 1)));
        assertThat(count.json().getString("error")).contains("holds 784 values but its shape needs 1568");
        bad.add(count);
        Http.Response json = http.post("/v2/models/fashion/infer", "application/json", "{not json".getBytes());
        assertThat(json.status()).isEqualTo(400);
        bad.add(json);
        Http.Response batch = http.postJson("/v2/models/fashion/infer",
                request("FP32", new JsonArray().add(65).add(784), new JsonArray()));
        assertThat(batch.status()).isEqualTo(400);
        assertThat(batch.json().getString("error")).contains("holds 65 images; at most 64 per request");
        bad.add(batch);
        Http.Response media = http.post("/v2/models/cnn/classify", "text/plain", "hello".getBytes());
        assertThat(media.status()).isEqualTo(415);
        bad.add(media);
        Http.Response notImage = http.post("/v2/models/cnn/classify", "image/png", "%PDF-1.4 not a png".getBytes());
        assertThat(notImage.status()).isEqualTo(415);
        assertThat(notImage.json().getString("error")).contains("is not an image");
        bad.add(notImage);
        var photos = new dev.fmnist.data.image.ProductPhotos(test, 3);
        byte[] photo = java.util.stream.IntStream.range(0, 20).mapToObj(photos::photo)
                .filter(p -> p.format().equals("jpg")).findFirst().orElseThrow().file();
        Http.Response truncated = http.post("/v2/models/cnn/classify", "image/jpeg",
                java.util.Arrays.copyOf(photo, photo.length * 2 / 3));
        assertThat(truncated.status()).as("a JPEG cut short is refused, not classified half grey").isEqualTo(400);
        assertThat(truncated.json().getString("error")).contains("is truncated or corrupt");
        bad.add(truncated);
        Http.Response unknownModel = http.postJson("/v2/models/nope/infer", new JsonObject());
        assertThat(unknownModel.status()).isEqualTo(404);
        bad.add(unknownModel);
        Http.Response noRoute = http.get("/v3/anything");
        assertThat(noRoute.status()).isEqualTo(404);
        bad.add(noRoute);
        for (Http.Response response : bad) {
            assertConforms("inference_error_response", response);
            assertThat(response.body()).doesNotContain("Exception").doesNotContain("\tat ");
        }
    }

    @Test
    void fiveHundredConcurrentRequestsAreAllAnsweredCorrectly() {
        List<CompletableFuture<Http.Response>> responses = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            int image = i % 50;
            responses.add(http.postJsonAsync("/v2/models/fashion/infer",
                    request("FP32", new JsonArray().add(1).add(784), unitPixels(image, 1)).put("id", "r" + i)));
        }
        for (int i = 0; i < 500; i++) {
            Http.Response response = responses.get(i).join();
            assertThat(response.status()).as(response.body()).isEqualTo(200);
            JsonObject json = response.json();
            assertThat(json.getString("id")).isEqualTo("r" + i);
            assertThat(json.getJsonArray("outputs").getJsonObject(1).getJsonArray("data").getString(0))
                    .isEqualTo(test.classNames().get(offlineMlp.predicted(i % 50)));
        }
        String metrics = http.get("/metrics").body();
        assertThat(metrics).contains("fmnist_batch_size_count{model=\"fashion\",version=").contains("fmnist_queue_depth")
                .contains("vertx_http_server_requests_total").contains("jvm_memory_used_bytes");
        // every model ran its warm-up passes before the server said it was ready
        for (String model : List.of("fashion", "cnn", "standardized", "residual")) {
            assertThat(metrics).containsPattern("fmnist_model_warmup_seconds_count\\{model=\"" + model
                    + "\",version=\"[^\"]+\"} 1(\\.0)?\n");
        }
    }
}
