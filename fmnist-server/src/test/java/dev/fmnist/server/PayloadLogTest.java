package dev.fmnist.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fmnist.api.data.LabelledImages;
import dev.fmnist.data.RealDataset;
import dev.fmnist.runtime.TestModels;
import dev.fmnist.server.grpc.protocol.GRPCInferenceServiceGrpc;
import dev.fmnist.server.payload.PayloadLogSettings;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The payload log on a real server: the sampled share, what a line holds (and never the key), rotation, a bad disk. */
@Tag("dataset")
class PayloadLogTest {

    private static final String KEY = "payload-s3cret";

    static LabelledImages test;
    static byte[] image;

    @TempDir
    Path folder;

    @BeforeAll
    static void data() {
        test = RealDataset.get().dataset().testImages();
        image = PredictionServerTest.png(test, 0);
    }

    private static PredictionServer start(PayloadLogSettings payloads) {
        return PredictionServer.start(ServerConfig.defaults().withPort(0).withGrpcPort(0).withApiKey(KEY)
                .withPayloadLog(payloads), List.of(new ModelSource("shoes", TestModels.cnn())), "test");
    }

    private static List<JsonObject> lines(Path folder) throws IOException {
        List<JsonObject> lines = new ArrayList<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.sorted().toList()) {
                Files.readAllLines(file).forEach(line -> lines.add(new JsonObject(line)));
            }
        }
        return lines;
    }

    /** Waits until the log has written {@code expected} lines (its counter). */
    private static void awaitWritten(Http http, double expected) throws InterruptedException {
        long until = System.currentTimeMillis() + 20_000;
        while (metric(http.get("/metrics").body(), "fmnist_payload_log_written_total") < expected
                && System.currentTimeMillis() < until) {
            Thread.sleep(20);
        }
    }

    private static double metric(String metrics, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + "(?:\\{[^}]*\\})? ([0-9.eE+-]+)$").matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    @Test
    void aSampleOfAThirdKeepsAboutAThirdOfTheAnswers() throws Exception {
        Path logs = folder.resolve("payloads");
        int requests = 1200;
        try (PredictionServer server = start(PayloadLogSettings.into(logs, 0.3))) {
            Http http = new Http(server.port()).withKey(KEY);
            for (int round = 0; round < requests / 50; round++) {
                List<CompletableFuture<Http.Response>> sent = new ArrayList<>();
                for (int i = 0; i < 50; i++) {
                    sent.add(http.postAsync("/v2/models/shoes/classify", "image/png", image));
                }
                sent.forEach(r -> assertThat(r.join().status()).isEqualTo(200));
            }
            assertThat(metric(http.get("/metrics").body(), "fmnist_payload_log_dropped_total")).isZero();
        }
        // the server's close wrote what the log's buffer held; 1,200 draws of 0.3: 360 expected, a standard
        // deviation of 16 (these bounds are 5 of them)
        assertThat(lines(logs).size()).isBetween(280, 440);
    }

    @Test
    void aLineHoldsWhoAskedWhatTheModelSawAndWhatItAnsweredButNoKey() throws Exception {
        Path logs = folder.resolve("payloads");
        try (PredictionServer server = start(new PayloadLogSettings(Optional.of(logs), 1.0, 1 << 20, 3, true))) {
            Http http = new Http(server.port()).withKey(KEY);
            assertThat(http.post("/v2/models/shoes/classify", "image/png", image, "X-Request-Id", "sku-1").status())
                    .isEqualTo(200);
            JsonArray pixels = new JsonArray();
            for (int p = 0; p < 784; p++) {
                pixels.add(test.pixel(0, p));
            }
            JsonObject infer = new JsonObject().put("id", "oip-7").put("inputs", new JsonArray().add(new JsonObject()
                    .put("name", "input").put("datatype", "UINT8").put("shape", new JsonArray().add(1).add(784))
                    .put("data", pixels)));
            assertThat(http.postJson("/v2/models/shoes/infer", infer).status()).isEqualTo(200);
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.grpcPort().orElseThrow())
                    .usePlaintext().build();
            try {
                Metadata key = new Metadata();
                key.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + KEY);
                GRPCInferenceServiceGrpc.newBlockingStub(channel)
                        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(key))
                        .withDeadlineAfter(30, TimeUnit.SECONDS)
                        .modelInfer(GrpcRequests.oneImage(test, 0, "shoes", "").setId("grpc-3").build());
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
            awaitWritten(http, 3);
        }
        List<JsonObject> lines = lines(logs);
        assertThat(lines).extracting(l -> l.getString("protocol") + " " + l.getString("request_id"))
                .containsExactly("rest sku-1", "rest oip-7", "grpc grpc-3");
        for (JsonObject line : lines) {
            assertThat(line.getString("model")).isEqualTo("shoes");
            assertThat(line.getString("version")).isNotEmpty();
            assertThat(line.getDouble("latency_ms")).isPositive();
            assertThat(line.getString("time")).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
            JsonObject output = line.getJsonArray("outputs").getJsonObject(0);
            assertThat(output.getJsonArray("probabilities")).hasSize(10);
            assertThat(output.getString("label")).isNotEmpty();
            JsonObject input = line.getJsonArray("inputs").getJsonObject(0);
            assertThat(input.getString("sha256")).matches("[0-9a-f]{64}");
            assertThat(java.util.Base64.getDecoder().decode(input.getString("float32"))).hasSize(784 * 4);
        }
        // the same image, sent three ways, is the same input to the model
        assertThat(lines).extracting(l -> l.getJsonArray("inputs").getJsonObject(0).getString("sha256"))
                .containsOnly(lines.get(0).getJsonArray("inputs").getJsonObject(0).getString("sha256"));
        try (Stream<Path> files = Files.list(logs)) {
            for (Path file : files.toList()) {
                assertThat(Files.readString(file)).doesNotContain(KEY).doesNotContainIgnoringCase("authorization");
            }
        }
    }

    @Test
    void filesRotateBySizeAndTheOldestGoes() throws Exception {
        Path logs = folder.resolve("payloads");
        try (PredictionServer server = start(new PayloadLogSettings(Optional.of(logs), 1.0, 2048, 3, false))) {
            Http http = new Http(server.port()).withKey(KEY);
            for (int i = 0; i < 30; i++) {
                assertThat(http.post("/v2/models/shoes/classify", "image/png", image).status()).isEqualTo(200);
            }
            awaitWritten(http, 30);
        }
        try (Stream<Path> files = Files.list(logs)) {
            assertThat(files.map(f -> f.getFileName().toString()).sorted().toList())
                    .containsExactly("payloads.1.jsonl", "payloads.2.jsonl", "payloads.jsonl");
        }
        try (Stream<Path> files = Files.list(logs)) {
            for (Path file : files.toList()) {
                assertThat(Files.size(file)).as(file.toString()).isLessThanOrEqualTo(2048).isPositive();
            }
        }
        // the newest lines are kept: fewer than 30 in 3 files of 2 KiB
        assertThat(lines(logs).size()).isBetween(3, 29);
    }

    @Test
    void aLogThatCannotBeWrittenLosesLinesNotAnswers() throws Exception {
        Path logs = folder.resolve("payloads");
        // the file's name taken by a folder: every write fails
        Files.createDirectories(logs.resolve("payloads.jsonl"));
        try (PredictionServer server = start(PayloadLogSettings.into(logs, 1.0))) {
            Http http = new Http(server.port()).withKey(KEY);
            for (int i = 0; i < 5; i++) {
                assertThat(http.post("/v2/models/shoes/classify", "image/png", image).status()).isEqualTo(200);
            }
            long until = System.currentTimeMillis() + 10_000;
            while (metric(http.get("/metrics").body(), "fmnist_payload_log_dropped_total") < 5
                    && System.currentTimeMillis() < until) {
                Thread.sleep(20);
            }
            assertThat(metric(http.get("/metrics").body(), "fmnist_payload_log_dropped_total")).isEqualTo(5);
            assertThat(metric(http.get("/metrics").body(), "fmnist_payload_log_written_total")).isZero();
        }
    }
}
