package dev.fmnist.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fmnist.api.data.LabelledImages;
import dev.fmnist.data.RealDataset;
import dev.fmnist.image.DatasetImages;
import dev.fmnist.runtime.TestModels;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** {@code POST /v2/models/{name}/explain} on a real server: maps as numbers and PNG overlays, and bad requests. */
@Tag("dataset")
class ExplainRouteTest {

    /** Test image 2 is a trouser. */
    private static final int TROUSER = 2;

    static PredictionServer server;
    static Http http;
    static LabelledImages test;

    @BeforeAll
    static void start() {
        test = RealDataset.get().dataset().testImages();
        server = PredictionServer.start(ServerConfig.defaults().withPort(0), List.of(
                new ModelSource("flat", TestModels.mlp()), new ModelSource("graph", TestModels.residual())), "test");
        http = new Http(server.port());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aTrouserIsExplainedByAMapOnTheItemAndItsOverlay() throws IOException {
        for (String model : List.of("flat", "graph")) {
            Http.Response answer = http.post("/v2/models/" + model + "/explain", "image/png",
                    DatasetImages.png(test, TROUSER));
            assertThat(answer.status()).as(answer.body()).isEqualTo(200);
            assertThat(answer.json().getString("model_name")).isEqualTo(model);
            JsonObject explanation = answer.json().getJsonArray("explanations").getJsonObject(0);
            assertThat(explanation.getString("label")).isEqualTo("Trouser");
            assertThat(explanation.getString("method")).isEqualTo("occlusion");
            assertThat(explanation.getJsonArray("shape").getList()).containsExactly(28, 28);
            JsonArray map = explanation.getJsonArray("map");
            assertThat(map).hasSize(784);
            double onItem = 0;
            double all = 0;
            for (int p = 0; p < 784; p++) {
                double value = Math.max(0, map.getDouble(p));
                all += value;
                onItem += test.pixel(TROUSER, p) > 0 ? value : 0;
            }
            assertThat(onItem / all).as("%s: the map's mass on the trouser (a third of the picture)", model)
                    .isGreaterThan(0.7);
            String overlay = explanation.getString("overlay");
            assertThat(overlay).startsWith("data:image/png;base64,");
            BufferedImage png = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(
                    overlay.substring("data:image/png;base64,".length()))));
            assertThat(png.getWidth()).isEqualTo(224);
            assertThat(png.getHeight()).isEqualTo(224);
        }
    }

    @Test
    void saliencyExplainsALayerStackAndIsRefusedForAGraphInASentence() {
        Http.Response flat = http.post("/v2/models/flat/explain?method=saliency", "image/png",
                DatasetImages.png(test, TROUSER));
        assertThat(flat.status()).as(flat.body()).isEqualTo(200);
        assertThat(flat.json().getJsonArray("explanations").getJsonObject(0).getString("method")).isEqualTo("saliency");

        Http.Response graph = http.post("/v2/models/graph/explain?method=saliency", "image/png",
                DatasetImages.png(test, TROUSER));
        assertThat(graph.status()).isEqualTo(400);
        assertThat(graph.json().getString("error")).contains("graph").endsWith("use occlusion");
    }

    @Test
    void badRequestsGetTheProtocolsErrorObject() throws IOException {
        Http.Response method = http.post("/v2/models/flat/explain?method=lime", "image/png",
                DatasetImages.png(test, 0));
        assertThat(method.status()).isEqualTo(400);
        assertThat(method.json().getString("error")).isEqualTo("no explanation method 'lime'; there are occlusion and "
                + "saliency");

        Http.Response text = http.post("/v2/models/flat/explain", "text/plain", "hello".getBytes());
        assertThat(text.status()).isEqualTo(415);
        assertThat(text.json().containsKey("error")).isTrue();

        Http.Response garbage = http.post("/v2/models/flat/explain", "image/png", "not a png".getBytes());
        assertThat(garbage.status()).isEqualTo(415);
        assertThat(garbage.json().getString("error")).doesNotContain("Exception");

        String boundary = "----fmnist" + System.nanoTime();
        ByteArrayOutputStream multipart = new ByteArrayOutputStream();
        for (int i = 0; i < 9; i++) {
            multipart.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\"item-" + i
                    + ".png\"\r\nContent-Type: image/png\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            multipart.write(DatasetImages.png(test, i));
            multipart.write("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        multipart.write(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        Http.Response many = http.post("/v2/models/flat/explain", "multipart/form-data; boundary=" + boundary,
                multipart.toByteArray());
        assertThat(many.status()).isEqualTo(400);
        assertThat(many.json().getString("error")).contains("at most 8");

        assertThat(http.post("/v2/models/nope/explain", "image/png", DatasetImages.png(test, 0)).status())
                .isEqualTo(404);
    }
}
