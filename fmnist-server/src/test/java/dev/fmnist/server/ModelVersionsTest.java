package dev.fmnist.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fmnist.api.data.LabelledImages;
import dev.fmnist.data.RealDataset;
import dev.fmnist.runtime.TestModels;
import dev.fmnist.runtime.plugins.PluginClasses;
import dev.fmnist.server.grpc.protocol.GRPCInferenceServiceGrpc;
import dev.fmnist.server.grpc.protocol.GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub;
import dev.fmnist.server.grpc.protocol.ModelInferRequest;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Versions of one model served side by side on a real server: their own routes, the current one behind the bare
 * name, a traffic split (random and sticky), promotion and rollback under load, per-version metrics, and requests
 * with their own deadline.
 */
@Tag("dataset")
class ModelVersionsTest {

    static LabelledImages test;
    static byte[] image;

    @TempDir
    Path models;

    @BeforeAll
    static void data() {
        test = RealDataset.get().dataset().testImages();
        image = PredictionServerTest.png(test, 0);
    }

    /** The cnn as run "shoes" (served as model "shoes", version "shoes") and the mlp as run "shoes-2". */
    @BeforeEach
    void runs() {
        ModelRepositoryTest.copy(TestModels.cnn(), models.resolve("shoes"));
        ModelRepositoryTest.copy(TestModels.mlp(), models.resolve("shoes-2"));
    }

    private PredictionServer start(ServerConfig config) {
        return PredictionServer.start(config, List.of(), Optional.of(models), "test", PluginClasses.platform());
    }

    private static JsonObject parameters(JsonObject parameters) {
        return new JsonObject().put("parameters", parameters);
    }

    /** Adds run "shoes-2" to model "shoes" as a second version, with {@code traffic} when given. */
    private static Http.Response addSecondVersion(Http http, JsonObject traffic) {
        JsonObject given = new JsonObject().put("run", "shoes-2").put("current", false);
        if (traffic != null) {
            given.put("traffic", traffic);
        }
        return http.postJson("/v2/repository/models/shoes/load", parameters(given));
    }

    private static String versionAnswering(Http.Response response) {
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json().getString("model_version");
    }

    private static List<JsonObject> indexOf(Http http, String name) {
        JsonArray index = new JsonArray(http.postJson("/v2/repository/index", new JsonObject()).body());
        List<JsonObject> entries = new ArrayList<>();
        for (int i = 0; i < index.size(); i++) {
            if (index.getJsonObject(i).getString("name").equals(name)) {
                entries.add(index.getJsonObject(i));
            }
        }
        return entries;
    }

    @Test
    void twoVersionsAnswerTheirOwnRoutesAndTheBareNameTheCurrentOne() {
        try (PredictionServer server = start(ServerConfig.defaults().withPort(0))) {
            Http http = new Http(server.port());
            Http.Response added = addSecondVersion(http, null);
            assertThat(added.status()).as(added.body()).isEqualTo(200);
            assertThat(added.json().getString("version")).isEqualTo("shoes-2");
            assertThat(added.json().getString("current")).isEqualTo("shoes");
            assertThat(added.json().getJsonObject("versions").getMap()).containsOnlyKeys("shoes", "shoes-2");

            assertThat(versionAnswering(http.post("/v2/models/shoes/versions/shoes-2/classify", "image/png", image)))
                    .isEqualTo("shoes-2");
            assertThat(versionAnswering(http.post("/v2/models/shoes/versions/shoes/classify", "image/png", image)))
                    .isEqualTo("shoes");
            for (int i = 0; i < 20; i++) {
                assertThat(versionAnswering(http.post("/v2/models/shoes/classify", "image/png", image)))
                        .isEqualTo("shoes");
            }
            assertThat(http.get("/v2/models/shoes").json().getJsonArray("versions")).containsExactly("shoes", "shoes-2");
            assertThat(http.get("/v2/models/shoes/versions/shoes-2").json().getJsonArray("versions"))
                    .containsExactly("shoes-2", "shoes");
            assertThat(indexOf(http, "shoes")).extracting(e -> e.getString("version") + " " + e.getBoolean("current")
                    + " " + e.getString("state")).containsExactly("shoes true READY", "shoes-2 false READY");
            Http.Response unknown = http.post("/v2/models/shoes/versions/shoes-9/classify", "image/png", image);
            assertThat(unknown.status()).isEqualTo(404);
            assertThat(unknown.json().getString("error")).contains("no version 'shoes-9'").contains("'shoes-2'");

            // the version that answers the name cannot be unloaded beside another; the other one can
            Http.Response refused = http.postJson("/v2/repository/models/shoes/unload",
                    parameters(new JsonObject().put("version", "shoes")));
            assertThat(refused.status()).isEqualTo(400);
            assertThat(refused.json().getString("error")).contains("promote another version first");
            assertThat(http.postJson("/v2/repository/models/shoes/unload",
                    parameters(new JsonObject().put("version", "shoes-2"))).status()).isEqualTo(200);
            assertThat(http.post("/v2/models/shoes/versions/shoes-2/classify", "image/png", image).status())
                    .isEqualTo(404);
            assertThat(versionAnswering(http.post("/v2/models/shoes/classify", "image/png", image)))
                    .isEqualTo("shoes");

            // a plain load is a deploy: the new version answers and the one it replaces goes
            Http.Response deploy = http.postJson("/v2/repository/models/shoes/load",
                    parameters(new JsonObject().put("run", "shoes-2")));
            assertThat(deploy.json().getJsonObject("versions").getMap()).containsOnlyKeys("shoes-2");
            assertThat(versionAnswering(http.post("/v2/models/shoes/classify", "image/png", image)))
                    .isEqualTo("shoes-2");
        }
    }

    @Test
    void aNinetyTenSplitSendsAboutATenthToTheCanaryAndARouteKeyAlwaysTheSameVersion() {
        try (PredictionServer server = start(ServerConfig.defaults().withPort(0))) {
            Http http = new Http(server.port());
            Http.Response added = addSecondVersion(http, new JsonObject().put("shoes", 90).put("shoes-2", 10));
            assertThat(added.status()).as(added.body()).isEqualTo(200);
            assertThat(added.json().getJsonObject("traffic").getMap()).containsEntry("shoes", 90)
                    .containsEntry("shoes-2", 10);
            assertThat(indexOf(http, "shoes")).extracting(e -> e.getDouble("traffic")).containsExactly(90.0, 10.0);

            Map<String, Integer> answered = new ConcurrentHashMap<>();
            for (int round = 0; round < 40; round++) {
                List<CompletableFuture<Http.Response>> requests = new ArrayList<>();
                for (int i = 0; i < 50; i++) {
                    requests.add(http.postAsync("/v2/models/shoes/classify", "image/png", image));
                }
                requests.forEach(r -> answered.merge(versionAnswering(r.join()), 1, Integer::sum));
            }
            assertThat(answered.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(2000);
            assertThat(answered.getOrDefault("shoes-2", 0) / 2000.0).as("the canary's share of " + answered)
                    .isBetween(0.07, 0.13);

            // sticky: a key sees one version every time; over many keys, both versions are seen
            http.postJson("/v2/repository/models/shoes/traffic", parameters(new JsonObject().put("traffic",
                    new JsonObject().put("shoes", 50).put("shoes-2", 50))));
            Map<String, String> seen = new HashMap<>();
            for (int item = 0; item < 40; item++) {
                for (int i = 0; i < 4; i++) {
                    String version = versionAnswering(http.post("/v2/models/shoes/classify", "image/png", image,
                            "X-Route-Key", "item-" + item));
                    assertThat(seen.computeIfAbsent("item-" + item, k -> version)).as("item-" + item)
                            .isEqualTo(version);
                }
            }
            assertThat(seen.values()).contains("shoes", "shoes-2");

            // per version: answers, their confidence, requests in flight
            String metrics = http.get("/metrics").body();
            assertThat(count(metrics, "fmnist_answer_confidence_count", "shoes")).isPositive();
            assertThat(count(metrics, "fmnist_answer_confidence_count", "shoes-2")).isPositive();
            assertThat(metrics).contains("fmnist_requests_in_flight{model=\"shoes\",version=\"shoes-2\"}");

            // a split that names a version not loaded is refused, and the split stays
            Http.Response bad = http.postJson("/v2/repository/models/shoes/traffic", parameters(new JsonObject()
                    .put("traffic", new JsonObject().put("shoes", 50).put("shoes-7", 50))));
            assertThat(bad.status()).isEqualTo(400);
            assertThat(bad.json().getString("error")).contains("'shoes-7', which is not loaded");
            assertThat(http.postJson("/v2/repository/models/shoes/traffic", parameters(new JsonObject()
                    .put("traffic", new JsonObject().put("shoes", -1)))).status()).isEqualTo(400);
            assertThat(indexOf(http, "shoes")).extracting(e -> e.getDouble("traffic")).containsExactly(50.0, 50.0);
            // {} clears it: every request to the current version
            http.postJson("/v2/repository/models/shoes/traffic", parameters(new JsonObject()
                    .put("traffic", new JsonObject())));
            for (int item = 0; item < 20; item++) {
                assertThat(versionAnswering(http.post("/v2/models/shoes/classify", "image/png", image,
                        "X-Route-Key", "item-" + item))).isEqualTo("shoes");
            }
        }
    }

    @Test
    void promoteAndRollBackUnderLoadWithoutAFailedRequest() throws Exception {
        try (PredictionServer server = start(ServerConfig.defaults().withPort(0))) {
            Http http = new Http(server.port());
            addSecondVersion(http, null);
            AtomicBoolean running = new AtomicBoolean(true);
            Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
            Map<String, Integer> versions = new ConcurrentHashMap<>();
            List<Thread> clients = new ArrayList<>();
            for (int c = 0; c < 4; c++) {
                Thread client = new Thread(() -> {
                    while (running.get()) {
                        Http.Response r = http.post("/v2/models/shoes/classify", "image/png", image);
                        statuses.merge(r.status(), 1, Integer::sum);
                        if (r.status() == 200) {
                            versions.merge(r.json().getString("model_version"), 1, Integer::sum);
                        }
                    }
                });
                client.start();
                clients.add(client);
            }
            awaitAnswered(versions, "shoes");
            Http.Response promoted = http.postJson("/v2/repository/models/shoes/promote",
                    parameters(new JsonObject().put("version", "shoes-2")));
            assertThat(promoted.status()).as(promoted.body()).isEqualTo(200);
            assertThat(promoted.json().getString("current")).isEqualTo("shoes-2");
            awaitAnswered(versions, "shoes-2");
            assertThat(versionAnswering(http.post("/v2/models/shoes/classify", "image/png", image)))
                    .isEqualTo("shoes-2");
            Http.Response back = http.postJson("/v2/repository/models/shoes/rollback", new JsonObject());
            assertThat(back.status()).as(back.body()).isEqualTo(200);
            assertThat(back.json().getString("current")).isEqualTo("shoes");
            int before = versions.getOrDefault("shoes", 0);
            long until = System.currentTimeMillis() + 10_000;
            while (versions.getOrDefault("shoes", 0) < before + 20 && System.currentTimeMillis() < until) {
                Thread.sleep(10);
            }
            running.set(false);
            for (Thread client : clients) {
                client.join(30_000);
            }
            assertThat(statuses).as("statuses during promote and rollback").containsOnlyKeys(200);
            assertThat(versions).containsKeys("shoes", "shoes-2");
            assertThat(versionAnswering(http.post("/v2/models/shoes/classify", "image/png", image)))
                    .isEqualTo("shoes");

            Http.Response noSuch = http.postJson("/v2/repository/models/shoes/promote",
                    parameters(new JsonObject().put("version", "shoes-9")));
            assertThat(noSuch.status()).isEqualTo(404);
            // once only: a second rollback would bring back the version just rolled back from
            Http.Response again = http.postJson("/v2/repository/models/shoes/rollback", new JsonObject());
            assertThat(again.status()).isEqualTo(400);
            assertThat(again.json().getString("error")).contains("no earlier version");
            assertThat(http.postJson("/v2/repository/models/zzz/rollback", new JsonObject()).status()).isEqualTo(404);
        }
    }

    /** Waits until the clients have had an answer from {@code version}. */
    private static void awaitAnswered(Map<String, Integer> versions, String version) throws InterruptedException {
        long until = System.currentTimeMillis() + 10_000;
        while (!versions.containsKey(version) && System.currentTimeMillis() < until) {
            Thread.sleep(5);
        }
    }

    @Test
    void misleadingRepositoryCallsAreRefusedAndChangeNothing() {
        ModelRepositoryTest.copy(TestModels.mlp(), models.resolve("shoes-3"));
        try (PredictionServer server = start(ServerConfig.defaults().withPort(0))) {
            Http http = new Http(server.port());
            // a split with a plain load: the load would unload the versions the split names
            Http.Response deployWithSplit = http.postJson("/v2/repository/models/shoes/load", parameters(new JsonObject()
                    .put("run", "shoes-2").put("traffic", new JsonObject().put("shoes", 90).put("shoes-2", 10))));
            assertThat(deployWithSplit.status()).isEqualTo(400);
            assertThat(deployWithSplit.json().getString("error")).contains("needs \"current\": false");
            assertThat(indexOf(http, "shoes")).extracting(e -> e.getString("version")).containsExactly("shoes");

            addSecondVersion(http, null);
            http.postJson("/v2/repository/models/shoes/load", parameters(new JsonObject().put("run", "shoes-3")
                    .put("current", false).put("traffic", new JsonObject().put("shoes-2", 50).put("shoes-3", 50))));
            // an empty version (an unset shell variable) or a misspelled parameter is refused, not taken for "all"
            Http.Response blank = http.postJson("/v2/repository/models/shoes/unload",
                    parameters(new JsonObject().put("version", "")));
            assertThat(blank.status()).isEqualTo(400);
            assertThat(blank.json().getString("error")).contains("'version' is empty");
            Http.Response typo = http.postJson("/v2/repository/models/shoes/unload",
                    parameters(new JsonObject().put("versoin", "shoes-3")));
            assertThat(typo.status()).isEqualTo(400);
            assertThat(typo.json().getString("error")).contains("unknown parameter 'versoin'");
            assertThat(indexOf(http, "shoes")).hasSize(3);

            // an unloaded version's share goes to the current version, not to the other canary
            assertThat(http.postJson("/v2/repository/models/shoes/unload",
                    parameters(new JsonObject().put("version", "shoes-3"))).status()).isEqualTo(200);
            assertThat(indexOf(http, "shoes")).extracting(e -> e.getString("version") + " " + e.getDouble("traffic"))
                    .containsExactly("shoes 50.0", "shoes-2 50.0");
            Http.Response emptyKey = http.post("/v2/models/shoes/classify", "image/png", image, "X-Route-Key", "");
            assertThat(emptyKey.status()).isEqualTo(200);
        }
    }

    @Test
    void aVersionLoadedAgainKeepsItsMetricSeries() {
        try (PredictionServer server = start(ServerConfig.defaults().withPort(0))) {
            Http http = new Http(server.port());
            // loaded again from where it was: the same version, a new executor
            assertThat(http.postJson("/v2/repository/models/shoes/load", new JsonObject()).status()).isEqualTo(200);
            for (int i = 0; i < 3; i++) {
                versionAnswering(http.post("/v2/models/shoes/classify", "image/png", image));
            }
            String metrics = http.get("/metrics").body();
            assertThat(count(metrics, "fmnist_batch_size_count", "shoes")).isPositive();
            assertThat(count(metrics, "fmnist_model_warmup_seconds_count", "shoes")).as("both warm-ups").isEqualTo(2);
            assertThat(metrics).contains("fmnist_queue_depth{model=\"shoes\",version=\"shoes\"}");
        }
    }

    @Test
    void aRequestWhoseOwnDeadlinePassesInTheQueueIsDroppedBeforeItsForwardPass() {
        ServerConfig defaults = ServerConfig.defaults();
        // a long batching wait keeps a request queued past its own 800 ms (its decoding takes far less)
        ServerConfig slow = new ServerConfig(defaults.host(), 0, defaults.maxBodyBytes(), defaults.maxImagePixels(),
                64, 2_000, defaults.queueCapacity(), defaults.timeoutMillis(), true, Optional.empty(), false);
        try (PredictionServer server = start(slow)) {
            Http http = new Http(server.port());
            Http.Response late = http.post("/v2/models/shoes/classify", "image/png", image, "X-Timeout-Ms", "800");
            assertThat(late.status()).as(late.body()).isEqualTo(503);
            assertThat(late.json().getString("error")).contains("did not answer in time");
            Http.Response inTime = http.post("/v2/models/shoes/classify", "image/png", image, "X-Timeout-Ms", "5000");
            assertThat(inTime.status()).isEqualTo(200);
            String metrics = http.get("/metrics").body();
            assertThat(count(metrics, "fmnist_requests_skipped_total", "shoes")).isEqualTo(1);
            assertThat(count(metrics, "fmnist_batch_size_count", "shoes")).as("forward passes").isEqualTo(1);
            Http.Response bad = http.post("/v2/models/shoes/classify", "image/png", image, "X-Timeout-Ms", "soon");
            assertThat(bad.status()).isEqualTo(400);
            assertThat(bad.json().getString("error")).contains("whole number of milliseconds");
        }
    }

    private static ModelInferRequest grpcRequest(String version) {
        return GrpcRequests.oneImage(test, 0, "shoes", version).build();
    }

    @Test
    void overGrpcARouteKeyIsStickyLikeTheRestHeader() throws InterruptedException {
        try (PredictionServer server = start(ServerConfig.defaults().withPort(0).withGrpcPort(0))) {
            Http http = new Http(server.port());
            addSecondVersion(http, new JsonObject().put("shoes", 50).put("shoes-2", 50));
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.grpcPort().orElseThrow())
                    .usePlaintext().build();
            try {
                GRPCInferenceServiceBlockingStub stub = GRPCInferenceServiceGrpc.newBlockingStub(channel);
                Map<String, String> seen = new HashMap<>();
                for (int item = 0; item < 12; item++) {
                    Metadata key = new Metadata();
                    key.put(Metadata.Key.of("x-route-key", Metadata.ASCII_STRING_MARSHALLER), "item-" + item);
                    GRPCInferenceServiceBlockingStub keyed = stub.withInterceptors(
                            MetadataUtils.newAttachHeadersInterceptor(key)).withDeadlineAfter(30, TimeUnit.SECONDS);
                    for (int i = 0; i < 3; i++) {
                        String version = keyed.modelInfer(grpcRequest("")).getModelVersion();
                        assertThat(seen.computeIfAbsent("item-" + item, k -> version)).isEqualTo(version);
                    }
                }
                assertThat(seen.values()).contains("shoes", "shoes-2");
                // the REST header's key and the metadata's land on the same version
                seen.forEach((item, version) -> assertThat(versionAnswering(http.post("/v2/models/shoes/classify",
                        "image/png", image, "X-Route-Key", item))).isEqualTo(version));
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void aGrpcCallsOwnDeadlineDropsItFromTheQueue() throws InterruptedException {
        ServerConfig defaults = ServerConfig.defaults();
        // a long batching wait keeps the call queued past its 800 ms
        ServerConfig slow = new ServerConfig(defaults.host(), 0, defaults.maxBodyBytes(), defaults.maxImagePixels(),
                64, 2_000, defaults.queueCapacity(), defaults.timeoutMillis(), true, Optional.empty(), false)
                .withGrpcPort(0);
        try (PredictionServer server = start(slow)) {
            Http http = new Http(server.port());
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.grpcPort().orElseThrow())
                    .usePlaintext().build();
            try {
                GRPCInferenceServiceBlockingStub stub = GRPCInferenceServiceGrpc.newBlockingStub(channel);
                assertThatThrownBy(() -> stub.withDeadlineAfter(800, TimeUnit.MILLISECONDS)
                        .modelInfer(grpcRequest("shoes")))
                        .isInstanceOf(StatusRuntimeException.class)
                        .extracting(e -> ((StatusRuntimeException) e).getStatus().getCode())
                        .isEqualTo(Status.Code.DEADLINE_EXCEEDED);
                // the server's deadline was the call's: dropped once the batching wait ends, before its pass
                long until = System.currentTimeMillis() + 10_000;
                while (count(http.get("/metrics").body(), "fmnist_requests_skipped_total", "shoes") < 1
                        && System.currentTimeMillis() < until) {
                    Thread.sleep(20);
                }
                String metrics = http.get("/metrics").body();
                assertThat(count(metrics, "fmnist_requests_skipped_total", "shoes")).isEqualTo(1);
                assertThat(count(metrics, "fmnist_batch_size_count", "shoes")).as("forward passes").isZero();
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    /** A metric's value for model "shoes" at {@code version}, from the Prometheus text. */
    private static double count(String metrics, String name, String version) {
        Matcher m = Pattern.compile("(?m)^" + name + "\\{model=\"shoes\",version=\"" + Pattern.quote(version)
                + "\"\\} ([0-9.eE+-]+)$").matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}
