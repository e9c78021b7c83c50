package dev.fmnist.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fmnist.api.data.LabelledImages;
import dev.fmnist.data.RealDataset;
import dev.fmnist.image.DatasetImages;
import dev.fmnist.runtime.TestModels;
import dev.fmnist.runtime.predict.Predictor;
import dev.fmnist.runtime.run.RunDirectory;
import dev.fmnist.runtime.search.CatalogIndexer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code POST /v2/models/{name}/similar} on a real server with an index of 1,000 real test images. */
@Tag("dataset")
class SimilarRouteTest {

    @TempDir
    static Path dir;

    static LabelledImages images;

    static Path index;

    @BeforeAll
    static void index() {
        images = RealDataset.get().dataset().testImages().subset(IntStream.range(0, 1000).toArray());
        Path model = new RunDirectory(TestModels.cnn()).model();
        index = dir.resolve("index");
        CatalogIndexer.index(Predictor.load(model), model, images, IntStream.range(0, 1000)
                .mapToObj(i -> "test/" + i).toList(), "test images", null).save(index);
    }

    @Test
    void anIndexedImageFindsItselfAndItsThumbnail() throws IOException {
        try (PredictionServer server = PredictionServer.start(ServerConfig.defaults().withPort(0),
                List.of(new ModelSource("cnn", TestModels.cnn()).withIndex(index), new ModelSource("plain",
                        TestModels.mlp())), "test")) {
            Http http = new Http(server.port());
            Http.Response response = http.post("/v2/models/cnn/similar?k=5", "image/png", DatasetImages.png(images, 3));
            assertThat(response.status()).as(response.body()).isEqualTo(200);
            JsonObject body = response.json();
            assertThat(body.getString("model_name")).isEqualTo("cnn");
            assertThat(body.getJsonObject("index").getInteger("items")).isEqualTo(1000);
            assertThat(body.getJsonObject("index").getString("search")).isEqualTo("exact");
            JsonArray neighbours = body.getJsonArray("results").getJsonObject(0).getJsonArray("neighbours");
            assertThat(neighbours).hasSize(5);
            JsonObject first = neighbours.getJsonObject(0);
            assertThat(first.getString("id")).isEqualTo("test/3");
            assertThat(first.getString("label")).isEqualTo(images.classNames().get(images.label(3)));
            assertThat(first.getDouble("similarity")).isGreaterThan(0.999);
            assertThat(neighbours.getJsonObject(4).getDouble("similarity")).isLessThanOrEqualTo(first.getDouble("similarity"));

            BufferedImage thumbnail = ImageIO.read(new ByteArrayInputStream(http.getBytes(first.getString("image"), 200)));
            assertThat(thumbnail.getWidth()).isEqualTo(28);
            assertThat(thumbnail.getRaster().getSample(14, 14, 0)).isEqualTo(images.pixel(3, 14 * 28 + 14));

            JsonObject models = http.get("/api/models").json();
            assertThat(models.getJsonArray("models").getJsonObject(0).getInteger("similar_items")).isEqualTo(1000);
        }
    }

    @Test
    void badRequestsGetTheProtocolsErrors() {
        try (PredictionServer server = PredictionServer.start(ServerConfig.defaults().withPort(0),
                List.of(new ModelSource("cnn", TestModels.cnn()).withIndex(index), new ModelSource("plain",
                        TestModels.mlp())), "test")) {
            Http http = new Http(server.port());
            Http.Response text = http.post("/v2/models/cnn/similar", "text/plain", "hello".getBytes());
            assertThat(text.status()).isEqualTo(415);
            assertThat(text.json().getString("error")).contains("send an image");
            Http.Response corrupt = http.post("/v2/models/cnn/similar", "image/png", new byte[] {(byte) 0x89, 'P', 'N'});
            assertThat(corrupt.status()).isIn(400, 415);
            assertThat(corrupt.json().getString("error")).isNotBlank();
            Http.Response k = http.post("/v2/models/cnn/similar?k=0", "image/png", DatasetImages.png(images, 0));
            assertThat(k.status()).isEqualTo(400);
            assertThat(k.json().getString("error")).isEqualTo("'k' must be a whole number from 1 to 100, got '0'");
            Http.Response none = http.post("/v2/models/plain/similar", "image/png", DatasetImages.png(images, 0));
            assertThat(none.status()).isEqualTo(404);
            assertThat(none.json().getString("error")).contains("model 'plain' has no similar-item index");
            assertThat(http.get("/v2/models/cnn/items/1000/image").status()).isEqualTo(404);
        }
    }

    @Test
    void anIndexOfAnotherModelKeepsTheModelFromBeingReady() {
        try (PredictionServer server = PredictionServer.start(ServerConfig.defaults().withPort(0),
                List.of(new ModelSource("mlp", TestModels.mlp()).withIndex(index)), "test")) {
            Http.Response ready = new Http(server.port()).get("/v2/models/mlp/ready");
            assertThat(ready.status()).isEqualTo(503);
            assertThat(ready.json().getString("error")).contains("the index " + index + " was built with");
        }
    }
}
