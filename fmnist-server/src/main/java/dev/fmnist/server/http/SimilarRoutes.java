package dev.fmnist.server.http;

import dev.fmnist.api.ImageShape;
import dev.fmnist.image.DatasetImages;
import dev.fmnist.runtime.search.CatalogIndex;
import dev.fmnist.runtime.search.Neighbour;
import dev.fmnist.server.ServedModel;
import dev.fmnist.server.inference.Inference;
import dev.fmnist.server.inference.ServingError;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/** The catalog items most like posted images, and the items' thumbnails. */
final class SimilarRoutes {

    private final Vertx vertx;
    private final Inference inference;
    private final PostedImages images;

    SimilarRoutes(Vertx vertx, Inference inference, PostedImages images) {
        this.vertx = vertx;
        this.inference = inference;
        this.images = images;
    }

    /** Each posted image's embedding by the model (on the model's own thread), then the index's search. */
    void similar(RoutingContext ctx) {
        long deadline = HttpRequests.deadline(ctx, inference);
        Inference.Admission admission = HttpRequests.admit(ctx, inference);
        CatalogIndex index = index(admission.model(), " beside it with --index " + admission.model().name()
                + "=INDEX");
        int k = HttpRequests.intParameter(ctx, "k", 10, 1, 100);
        images.read(ctx, admission.predictor(), admission.maxBatch(), deadline)
                .compose(posted -> Future.fromCompletionStage(inference.embeddings(admission, posted.batch(),
                                deadline), vertx.getOrCreateContext())
                        .compose(rows -> vertx.executeBlocking(() -> neighbours(admission.model(), index,
                                posted.names(), rows, k), false)))
                .onSuccess(ctx::json)
                .onFailure(ctx::fail);
    }

    private static CatalogIndex index(ServedModel model, String hint) {
        return model.index().orElseThrow(() -> ServingError.notFound("model '" + model.name()
                + "' has no similar-item index" + (hint.isEmpty() ? "" : "; serve one" + hint)));
    }

    private static JsonObject neighbours(ServedModel model, CatalogIndex index, List<String> names,
            float[][] embeddings, int k) {
        JsonArray results = new JsonArray();
        for (int i = 0; i < names.size(); i++) {
            JsonArray neighbours = new JsonArray();
            for (Neighbour n : index.nearest(embeddings[i], k)) {
                neighbours.add(new JsonObject().put("item", n.item()).put("id", n.id()).put("label", n.label())
                        .put("similarity", n.similarity())
                        .put("image", "/v2/models/" + model.name() + "/items/" + n.item() + "/image"));
            }
            results.add(new JsonObject().put("name", names.get(i)).put("neighbours", neighbours));
        }
        return new JsonObject().put("model_name", model.name()).put("model_version", model.version())
                .put("index", new JsonObject().put("items", index.size()).put("data", index.manifest().data())
                        .put("search", index.hasApproximate() ? "hnsw" : "exact"))
                .put("results", results);
    }

    /** A catalog item's stored pixels as a PNG, in the model's image shape: the thumbnails of similar-item results. */
    void itemImage(RoutingContext ctx) {
        Inference.Admission admission = HttpRequests.admit(ctx, inference);
        CatalogIndex index = index(admission.model(), "");
        int item;
        try {
            item = Integer.parseInt(ctx.pathParam("item"));
        } catch (NumberFormatException e) {
            item = -1;
        }
        if (item < 0 || item >= index.size()) {
            throw ServingError.notFound("no item '" + ctx.pathParam("item") + "'; the index has items 0 to "
                    + (index.size() - 1));
        }
        byte[] pixels = index.pixels(item);
        // the model's image size; its first channel, as the grey picture a thumbnail is
        ImageShape model = admission.predictor().manifest().imageShape();
        ImageShape grey = new ImageShape(1, model.height(), model.width());
        if (pixels.length != model.pixels()) {
            throw new IllegalStateException("item " + item + " has " + pixels.length + " pixels; the model takes "
                    + model);
        }
        // ImageIO's encoder is blocking work: on a worker thread, not the event loop
        vertx.executeBlocking(() -> DatasetImages.png(pixels, grey), false)
                .onSuccess(png -> ctx.response().putHeader("Content-Type", "image/png")
                        .putHeader("Cache-Control", "max-age=3600").end(Buffer.buffer(png)))
                .onFailure(ctx::fail);
    }
}
