package dev.fmnist.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fmnist.api.data.LabelledImages;
import dev.fmnist.data.RealDataset;
import dev.fmnist.runtime.TestModels;
import dev.fmnist.runtime.plugins.PluginClasses;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The model repository extension on a real server: index, load, reload under the same name, unload. */
@Tag("dataset")
class ModelRepositoryTest {

    static LabelledImages test;

    @TempDir
    Path models;

    @BeforeAll
    static void data() {
        test = RealDataset.get().dataset().testImages();
    }

    /** A models folder with the cnn as run "a" and the mlp as run "b". */
    private void twoRuns() {
        copy(TestModels.cnn(), models.resolve("a"));
        copy(TestModels.mlp(), models.resolve("b"));
    }

    private PredictionServer start(ServerConfig config) {
        return PredictionServer.start(config, List.of(), Optional.of(models), "test", PluginClasses.platform());
    }

    private static JsonObject entry(Http http, String name) {
        JsonArray index = new JsonArray(http.postJson("/v2/repository/index", new JsonObject()).body());
        for (int i = 0; i < index.size(); i++) {
            if (index.getJsonObject(i).getString("name").equals(name)) {
                return index.getJsonObject(i);
            }
        }
        throw new AssertionError("no '" + name + "' in the index " + index.encode());
    }

    @Test
    void servesEveryRunOfTheFolderAndUnloadsAndLoadsThem() throws IOException {
        twoRuns();
        Files.createDirectories(models.resolve("not-a-run"));
        try (PredictionServer server = start(ServerConfig.defaults().withPort(0))) {
            Http http = new Http(server.port());
            JsonArray index = new JsonArray(http.postJson("/v2/repository/index", new JsonObject()).body());
            assertThat(index.encode()).doesNotContain("not-a-run");
            assertThat(entry(http, "a").getString("state")).isEqualTo("READY");
            assertThat(entry(http, "b").getString("version")).isEqualTo("b");
            assertThat(http.post("/v2/models/b/classify", "image/png", PredictionServerTest.png(test, 0)).status())
                    .isEqualTo(200);

            assertThat(http.postJson("/v2/repository/models/b/unload", new JsonObject()).status()).isEqualTo(200);
            assertThat(entry(http, "b").getString("state")).isEqualTo("UNAVAILABLE");
            assertThat(entry(http, "b").getString("reason")).isEqualTo("unloaded");
            assertThat(http.get("/v2/models/b/ready").status()).isEqualTo(503);
            Http.Response refused = http.post("/v2/models/b/classify", "image/png", PredictionServerTest.png(test, 0));
            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.json().getString("error")).contains("unloaded");
            // unloaded on purpose: the server is still ready with the other model
            assertThat(http.get("/v2/health/ready").status()).isEqualTo(200);
            JsonArray ready = new JsonArray(http.postJson("/v2/repository/index", new JsonObject().put("ready", true))
                    .body());
            assertThat(ready.size()).isEqualTo(1);

            assertThat(http.postJson("/v2/repository/models/b/load", new JsonObject()).status()).isEqualTo(200);
            assertThat(http.get("/v2/models/b/ready").status()).isEqualTo(200);
            assertThat(http.post("/v2/models/b/classify", "image/png", PredictionServerTest.png(test, 0)).status())
                    .isEqualTo(200);
        }
    }

    @Test
    void reloadsANameFromAnotherRunAndKeepsServingWhenALoadFails() {
        twoRuns();
        try (PredictionServer server = start(ServerConfig.defaults().withPort(0))) {
            Http http = new Http(server.port());
            http.post("/v2/models/a/classify", "image/png", PredictionServerTest.png(test, 0));
            assertThat(http.get("/metrics").body()).contains("version=\"a\"");

            Http.Response reload = http.postJson("/v2/repository/models/a/load",
                    new JsonObject().put("parameters", new JsonObject().put("run", "b")));
            assertThat(reload.status()).isEqualTo(200);
            assertThat(reload.json().getString("version")).isEqualTo("b");
            assertThat(http.get("/v2/models/a").json().getJsonArray("versions").getString(0)).isEqualTo("b");
            // the replaced version's metrics went with it
            http.post("/v2/models/a/classify", "image/png", PredictionServerTest.png(test, 0));
            String metrics = http.get("/metrics").body();
            assertThat(metrics).contains("fmnist_batch_size_count{model=\"a\",version=\"b\"}")
                    .doesNotContain("model=\"a\",version=\"a\"");

            Http.Response broken = http.postJson("/v2/repository/models/a/load",
                    new JsonObject().put("parameters", new JsonObject().put("run", "no-such-run")));
            assertThat(broken.status()).isEqualTo(400);
            assertThat(broken.json().getString("error")).contains("no-such-run").contains("version b goes on serving");
            assertThat(entry(http, "a").getString("state")).isEqualTo("READY");
            assertThat(http.post("/v2/models/a/classify", "image/png", PredictionServerTest.png(test, 0)).status())
                    .isEqualTo(200);

            assertThat(http.postJson("/v2/repository/models/zzz/load", new JsonObject()).status()).isEqualTo(404);
            assertThat(http.postJson("/v2/repository/models/zzz/unload", new JsonObject()).status()).isEqualTo(404);
            assertThat(http.post("/v2/repository/models/a/load", "application/json", "[1]".getBytes()).status())
                    .isEqualTo(400);
        }
    }

    @Test
    void anUnloadLetsTheRequestsItHasFinish() throws InterruptedException {
        copy(TestModels.cnn(), models.resolve("a"));
        ServerConfig defaults = ServerConfig.defaults();
        // a long batching wait keeps the requests in the model's queue while the unload arrives
        ServerConfig slow = new ServerConfig(defaults.host(), 0, defaults.maxBodyBytes(), defaults.maxImagePixels(),
                64, 400, defaults.queueCapacity(), defaults.timeoutMillis(), true, Optional.empty(), false);
        try (PredictionServer server = start(slow)) {
            Http http = new Http(server.port());
            List<CompletableFuture<Http.Response>> inFlight = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                inFlight.add(http.postAsync("/v2/models/a/classify", "image/png", PredictionServerTest.png(test, i)));
            }
            waitUntilCountedIn(server, inFlight.size());
            Http.Response unload = http.postJson("/v2/repository/models/a/unload", new JsonObject());

            assertThat(unload.status()).isEqualTo(200);
            for (CompletableFuture<Http.Response> request : inFlight) {
                assertThat(request.join().status()).isEqualTo(200);
            }
            assertThat(http.post("/v2/models/a/classify", "image/png", PredictionServerTest.png(test, 0)).status())
                    .isEqualTo(503);
            assertThat(http.get("/v2/health/ready").status()).isEqualTo(503); // no model left
        }
    }

    private static void waitUntilCountedIn(PredictionServer server, int requests) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (server.models().get("a").orElseThrow().executor().orElseThrow().inFlight() < requests
                && System.currentTimeMillis() < deadline) {
            Thread.sleep(2);
        }
    }

    /** A run folder copied, file by file. */
    static void copy(Path from, Path to) {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.toList()) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
