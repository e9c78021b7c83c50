package dev.fmnist.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fmnist.api.data.LabelledImages;
import dev.fmnist.data.image.ProductPhotos;
import dev.fmnist.runtime.predict.Predictions;
import dev.fmnist.runtime.predict.Predictor;
import dev.fmnist.runtime.run.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Random;

/**
 * How well a server's image endpoint classifies product photos ({@link ProductPhotos}) of test items, against
 * the same model on the raw tensors of the same items: the photo path's loss, as a team posting its catalog
 * would meet it.
 */
public final class PhotoAccuracy {

    /**
     * @param refused photos the endpoint answered with an error (counted as wrong)
     */
    public record Result(int items, double rawAccuracy, double photoAccuracy, int refused) {
        /** The photos' accuracy as a share of the raw tensors'. */
        public double ratio() {
            return photoAccuracy / rawAccuracy;
        }
    }

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private PhotoAccuracy() {}

    /** {@code count} distinct test images chosen by {@code seed}, in the order drawn. */
    public static int[] items(LabelledImages test, int count, long seed) {
        if (count < 1 || count > test.count()) {
            throw new IllegalArgumentException("the photo count must be 1.." + test.count() + ", got " + count);
        }
        return new Random(seed).ints(0, test.count()).distinct().limit(count).toArray();
    }

    /**
     * Posts each photo to {@code root/v2/models/model/classify}, one at a time, and compares its top class with
     * the label; the raw accuracy is the predictor's on the same items' tensors.
     */
    public static Result measure(String root, String model, Predictor predictor, LabelledImages test, int[] items,
            ProductPhotos photos) throws InterruptedException {
        Predictions raw = predictor.predictions(test.subset(items));
        int correct = 0;
        int refused = 0;
        for (int item : items) {
            ProductPhotos.Photo photo = photos.photo(item);
            HttpRequest request = HttpRequest.newBuilder(URI.create(root + "/v2/models/" + model + "/classify?top=1"))
                    .timeout(Duration.ofSeconds(30))
                    .header("Content-Type", photo.format().equals("jpg") ? "image/jpeg" : "image/png")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(photo.file())).build();
            try {
                HttpResponse<String> response = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != 200) {
                    refused++;
                    continue;
                }
                JsonNode top = Json.MAPPER.readTree(response.body()).path("predictions").path(0).path("top").path(0);
                if (top.path("index").asInt(-1) == photo.label()) {
                    correct++;
                }
            } catch (IOException e) {
                refused++;
            }
        }
        return new Result(items.length, raw.accuracy(), (double) correct / items.length, refused);
    }
}
