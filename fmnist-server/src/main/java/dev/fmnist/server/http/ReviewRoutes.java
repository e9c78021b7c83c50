package dev.fmnist.server.http;

import dev.fmnist.api.ImageShape;
import dev.fmnist.image.DatasetImages;
import dev.fmnist.runtime.explain.Overlay;
import dev.fmnist.server.inference.ServingError;
import dev.fmnist.server.review.Decision;
import dev.fmnist.server.review.ReviewQueue;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Base64;
import java.util.Map;

/**
 * The review desk's API, under {@code /v2/models/{name}/review}: where the review stands, the next item for a
 * reviewer (its image, the model's top 3 and the explanation), and a decision. Queue work (a forward pass for the
 * explanation, a forced write) runs on workers, never on the event loop.
 */
final class ReviewRoutes {

    private final Vertx vertx;
    private final Map<String, ReviewQueue> queues;

    ReviewRoutes(Vertx vertx, Map<String, ReviewQueue> queues) {
        this.vertx = vertx;
        this.queues = Map.copyOf(queues);
    }

    void stats(RoutingContext ctx) {
        ReviewQueue queue = queue(ctx);
        String name = ctx.pathParam("name");
        // the queue's lock may be held by an explanation or a forced write: not on the event loop
        vertx.executeBlocking(() -> stats(name, queue).put("classes", new JsonArray(queue.classNames())), false)
                .onSuccess(ctx::json)
                .onFailure(ctx::fail);
    }

    void next(RoutingContext ctx) {
        ReviewQueue queue = queue(ctx);
        String reviewer = reviewer(ctx.queryParams().get("reviewer"));
        String name = ctx.pathParam("name");
        vertx.executeBlocking(() -> queue.next(reviewer).map(item -> new JsonObject().put("item", item(queue, item)))
                        .orElse(new JsonObject().put("done", true)).put("review", stats(name, queue)), false)
                .onSuccess(ctx::json)
                .onFailure(ctx::fail);
    }

    void decide(RoutingContext ctx) {
        ReviewQueue queue = queue(ctx);
        JsonObject body = HttpRequests.jsonBody(ctx);
        if (!(body.getValue("item") instanceof String item)) {
            throw ServingError.invalid("a decision is {\"item\": ID, \"class\": INDEX, \"reviewer\": NAME}: 'item' "
                    + "is missing or not a string");
        }
        if (!(body.getValue("class") instanceof Integer classIndex)) {
            throw ServingError.invalid("a decision's 'class' is the index of one of the model's classes");
        }
        String reviewer = reviewer(body.getValue("reviewer") instanceof String r ? r : null);
        String name = ctx.pathParam("name");
        vertx.executeBlocking(() -> {
                    Decision decision = queue.decide(item, classIndex, reviewer);
                    return new JsonObject().put("decision", new JsonObject().put("item", decision.item())
                                    .put("class", decision.classIndex()).put("label", decision.label())
                                    .put("confirmed", decision.confirmed()))
                            .put("review", stats(name, queue));
                }, false)
                .onSuccess(ctx::json)
                .onFailure(ctx::fail);
    }

    private ReviewQueue queue(RoutingContext ctx) {
        String name = ctx.pathParam("name");
        ReviewQueue queue = queues.get(name);
        if (queue == null) {
            throw ServingError.notFound("model '" + name + "' has no review; serve one with --review " + name
                    + "=DIR");
        }
        return queue;
    }

    /** A reviewer names itself: letters, digits, '.', '_', '-' or '@', 1 to 64 of them. */
    private static String reviewer(String value) {
        if (value == null || !value.matches("[A-Za-z0-9._@-]{1,64}")) {
            throw ServingError.invalid("'reviewer' must be 1 to 64 letters, digits, '.', '_', '-' or '@'");
        }
        return value;
    }

    private static JsonObject stats(String name, ReviewQueue queue) {
        ReviewQueue.Stats stats = queue.stats();
        return new JsonObject().put("model_name", name).put("images", stats.images())
                .put("accepted", stats.accepted()).put("queued", stats.queued()).put("decided", stats.decided())
                .put("remaining", stats.remaining()).put("unreadable", stats.unreadable());
    }

    private static JsonObject item(ReviewQueue queue, ReviewQueue.Item item) {
        int side = (int) Math.round(Math.sqrt(item.pixels().length));
        JsonArray top = new JsonArray();
        item.answer().top().forEach(c -> top.add(new JsonObject().put("label", c.label()).put("index", c.classIndex())
                .put("probability", c.probability())));
        byte[] image = DatasetImages.png(item.pixels(), new ImageShape(1, side, side));
        byte[] overlay = Overlay.png(item.pixels(), queue.explanation(item), side, side);
        return new JsonObject().put("id", item.id()).put("top", top)
                .put("image", "data:image/png;base64," + Base64.getEncoder().encodeToString(image))
                .put("explanation", "data:image/png;base64," + Base64.getEncoder().encodeToString(overlay));
    }
}
