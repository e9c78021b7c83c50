package dev.fmnist.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fmnist.api.data.LabelledImages;
import dev.fmnist.data.RealDataset;
import dev.fmnist.data.image.ProductPhotos;
import dev.fmnist.runtime.TestModels;
import dev.fmnist.runtime.predict.Predictor;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Product photos of test items (dark on a light backdrop, a margin, noise, sometimes blur, JPEG or PNG)
 * posted to the image endpoint are classified about as well as the same items' raw tensors.
 */
@Tag("dataset")
class PhotoEndpointTest {

    @Test
    void photosOfFourHundredTestItemsScoreAtLeast97PercentOfTheRawTensors() {
        LabelledImages test = RealDataset.get().dataset().testImages();
        int[] items = new Random(7).ints(0, test.count()).distinct().limit(400).toArray();
        assertThat(IntStream.of(items).map(test::label).distinct().count()).as("all ten classes").isEqualTo(10);
        double raw = Predictor.load(TestModels.cnn()).predictions(test.subset(items)).accuracy();
        ProductPhotos photos = new ProductPhotos(test, 7);
        try (PredictionServer server = PredictionServer.start(ServerConfig.defaults().withPort(0),
                List.of(new ModelSource("cnn", TestModels.cnn())), "test")) {
            Http http = new Http(server.port());
            int correct = 0;
            for (int item : items) {
                ProductPhotos.Photo photo = photos.photo(item);
                Http.Response response = http.post("/v2/models/cnn/classify?top=1",
                        photo.format().equals("jpg") ? "image/jpeg" : "image/png", photo.file());
                assertThat(response.status()).as(response.body()).isEqualTo(200);
                int predicted = response.json().getJsonArray("predictions").getJsonObject(0).getJsonArray("top")
                        .getJsonObject(0).getInteger("index");
                if (predicted == photo.label()) {
                    correct++;
                }
            }
            double photoAccuracy = correct / 400.0;
            assertThat(photoAccuracy).as("photos %.4f against raw tensors %.4f", photoAccuracy, raw)
                    .isGreaterThanOrEqualTo(0.97 * raw);
        }
    }
}
