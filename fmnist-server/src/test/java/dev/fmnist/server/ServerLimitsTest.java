package dev.fmnist.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fmnist.runtime.TestModels;
import io.vertx.core.json.JsonArray;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Servers with small limits, a saturated queue and an API key. */
@Tag("dataset")
class ServerLimitsTest {

    @Test
    void bodyAndPixelLimits() throws IOException {
        ServerConfig config = ServerConfig.defaults().withPort(0).withLimits(64 * 1024, 100_000, 64, 256, 10_000);
        try (PredictionServer server = PredictionServer.start(config,
                List.of(new ModelSource("m", TestModels.mlp())), "test")) {
            Http http = new Http(server.port());
            Http.Response tooBig = http.post("/v2/models/m/infer", "application/json", new byte[200 * 1024]);
            assertThat(tooBig.status()).isEqualTo(413);
            assertThat(tooBig.json().getString("error")).isEqualTo("the request body exceeds the limit of 65536 bytes");

            // A 1000x1000 PNG is a few KB but a million pixels: refused from its header, never decoded.
            BufferedImage bomb = new BufferedImage(1000, 1000, BufferedImage.TYPE_BYTE_BINARY);
            ByteArrayOutputStream png = new ByteArrayOutputStream();
            ImageIO.write(bomb, "png", png);
            assertThat(png.size()).isLessThan(64 * 1024);
            Http.Response pixels = http.post("/v2/models/m/classify", "image/png", png.toByteArray());
            assertThat(pixels.status()).isEqualTo(413);
            assertThat(pixels.json().getString("error")).contains("1000x1000 = 1,000,000 pixels; at most 100,000");
        }
    }

    @Test
    void aPortInUseIsSaidAsSuchForHttpAndGrpc() throws IOException {
        ServerConfig defaults = ServerConfig.defaults();
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName(defaults.host()))) {
            ServerConfig config = defaults.withPort(taken.getLocalPort());
            assertThatThrownBy(() -> PredictionServer.start(config, List.of(new ModelSource("m", TestModels.mlp())),
                    "test")).isInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith("cannot listen on " + config.host() + ":" + taken.getLocalPort() + ": ")
                    .hasMessageContaining("Address already in use");
            // the gRPC port's own failure, after the HTTP port was bound: said as it is, and that port let go
            ServerConfig grpcTaken = defaults.withPort(0).withGrpcPort(taken.getLocalPort());
            assertThatThrownBy(() -> PredictionServer.start(grpcTaken,
                    List.of(new ModelSource("m", TestModels.mlp())), "test")).isInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith("cannot listen for gRPC on " + config.host() + ":" + taken.getLocalPort());
        }
    }

    @Test
    void flipAveragingAnswersWithTheMeanOfEachImageAndItsMirror() {
        var test = dev.fmnist.data.RealDataset.get().dataset().testImages().subset(new int[] {0, 1, 2});
        var expected = dev.fmnist.runtime.predict.Predictor.load(TestModels.mlp()).withFlipAveraging(true)
                .predictions(test);
        JsonArray data = new JsonArray();
        for (int i = 0; i < 3; i++) {
            for (int p = 0; p < 784; p++) {
                data.add(test.pixel(i, p));
            }
        }
        try (PredictionServer server = PredictionServer.start(ServerConfig.defaults().withPort(0).withFlipAveraging(true),
                List.of(new ModelSource("m", TestModels.mlp())), "test")) {
            Http.Response response = new Http(server.port()).postJson("/v2/models/m/infer",
                    PredictionServerTest.request("UINT8", new JsonArray().add(3).add(784), data));
            assertThat(response.status()).as(response.body()).isEqualTo(200);
            JsonArray probabilities = response.json().getJsonArray("outputs").getJsonObject(0).getJsonArray("data");
            for (int i = 0; i < 3; i++) {
                for (int c = 0; c < 10; c++) {
                    assertThat(probabilities.getFloat(i * 10 + c))
                            .isCloseTo(expected.probability(i, c), org.assertj.core.data.Offset.offset(1e-5f));
                }
            }
        }
    }

    @Test
    void aFullQueueAnswers503WithRetryAfter() {
        ServerConfig config = ServerConfig.defaults().withPort(0).withLimits(8 << 20, 40_000_000, 1, 1, 10_000)
                .withBatching(false);
        try (PredictionServer server = PredictionServer.start(config,
                List.of(new ModelSource("m", TestModels.mlp())), "test")) {
            Http http = new Http(server.port());
            JsonArray pixels = new JsonArray();
            for (int p = 0; p < 784; p++) {
                pixels.add(0.5);
            }
            List<CompletableFuture<Http.Response>> responses = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                responses.add(http.postJsonAsync("/v2/models/m/infer",
                        PredictionServerTest.request("FP32", new JsonArray().add(1).add(784), pixels)));
            }
            List<Http.Response> done = responses.stream().map(CompletableFuture::join).toList();
            List<Http.Response> refused = done.stream().filter(r -> r.status() == 503).toList();
            assertThat(refused).as("a queue of one cannot hold 200 concurrent requests").isNotEmpty();
            assertThat(refused.get(0).headers().firstValue("Retry-After")).contains("1");
            assertThat(refused.get(0).json().getString("error")).contains("requests waiting; try again shortly");
            assertThat(done).allSatisfy(r -> assertThat(r.status()).isIn(200, 503));
        }
    }

    @Test
    void theApiKeyGuardsEverythingButHealthAndThePage() {
        try (PredictionServer server = PredictionServer.start(ServerConfig.defaults().withPort(0).withApiKey("s3cret"),
                List.of(new ModelSource("m", TestModels.mlp())), "test")) {
            Http anonymous = new Http(server.port());
            assertThat(anonymous.get("/v2/health/live").status()).isEqualTo(200);
            assertThat(anonymous.get("/v2/health/ready").status()).isEqualTo(200);
            assertThat(anonymous.get("/").status()).isEqualTo(200);
            Http.Response denied = anonymous.get("/v2/models/m");
            assertThat(denied.status()).isEqualTo(401);
            assertThat(denied.headers().firstValue("WWW-Authenticate")).contains("Bearer");
            assertThat(anonymous.get("/metrics").status()).isEqualTo(401);
            assertThat(new Http(server.port()).withKey("wrong").get("/v2").status()).isEqualTo(401);
            assertThat(new Http(server.port()).withKey("s3cret").get("/v2/models/m").status()).isEqualTo(200);
        }
    }
}
