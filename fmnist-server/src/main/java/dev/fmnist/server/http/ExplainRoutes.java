package dev.fmnist.server.http;

import dev.fmnist.api.ImageShape;
import dev.fmnist.runtime.explain.Explainer;
import dev.fmnist.runtime.explain.Overlay;
import dev.fmnist.runtime.predict.Prediction;
import dev.fmnist.server.inference.Inference;
import dev.fmnist.server.inference.ServingError;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * {@code POST /v2/models/{name}/explain}: why the model answered what it did for each posted image, as a map over
 * its pixels (numbers) and that map drawn over the image (a PNG). The images are read as for {@code classify}; the
 * answer and the explanation run on the model's thread, the PNGs on a worker.
 */
final class ExplainRoutes {

    /**
     * Images per request: an occlusion map is about 150 images' forward passes, run as one job on the model's thread
     * (the requests behind it wait), so a request holds few.
     */
    static final int MAX_IMAGES = 8;

    private final Vertx vertx;
    private final Inference inference;
    private final PostedImages images;

    ExplainRoutes(Vertx vertx, Inference inference, PostedImages images) {
        this.vertx = vertx;
        this.inference = inference;
        this.images = images;
    }

    void explain(RoutingContext ctx) {
        long arrived = System.nanoTime();
        long deadline = HttpRequests.deadline(ctx, inference);
        Inference.Admission admission = HttpRequests.admit(ctx, inference);
        Explainer explainer = explainer(ctx.queryParams().get("method"));
        explainer.unsupported(admission.predictor()).ifPresent(why -> {
            throw ServingError.invalid(why);
        });
        images.read(ctx, admission.predictor(), Math.min(MAX_IMAGES, admission.maxBatch()), deadline)
                .compose(posted -> onContext(inference.probabilities(admission, posted.batch(), deadline,
                                new Inference.Caller("rest", ctx.request().getHeader(HttpRequests.REQUEST_ID), arrived,
                                        io.opentelemetry.context.Context.current())))
                        .compose(probabilities -> {
                            List<Prediction> answers = admission.predictor().rank(probabilities, 1);
                            int[] classes = answers.stream().mapToInt(p -> p.best().classIndex()).toArray();
                            return onContext(inference.explanations(admission, posted.batch(), explainer, classes,
                                    deadline)).compose(maps -> vertx.executeBlocking(() -> answer(admission,
                                    explainer, posted, answers, maps), false));
                        }))
                .onSuccess(ctx::json)
                .onFailure(ctx::fail);
    }

    private static Explainer explainer(String method) {
        try {
            return Explainer.of(method == null ? Explainer.OCCLUSION.id() : method);
        } catch (IllegalArgumentException e) {
            throw ServingError.invalid(e.getMessage());
        }
    }

    private static JsonObject answer(Inference.Admission admission, Explainer explainer, PostedImages.Images posted,
            List<Prediction> answers, float[][] maps) {
        ImageShape shape = admission.predictor().encoder().shape();
        JsonArray explanations = new JsonArray();
        for (int i = 0; i < answers.size(); i++) {
            JsonArray map = new JsonArray();
            for (float value : maps[i]) {
                map.add(value);
            }
            byte[] png = Overlay.png(posted.pixels().get(i), maps[i], shape.width(), shape.height());
            explanations.add(new JsonObject().put("name", posted.names().get(i))
                    .put("label", answers.get(i).best().label()).put("index", answers.get(i).best().classIndex())
                    .put("probability", answers.get(i).best().probability()).put("method", explainer.id())
                    .put("shape", new JsonArray().add(shape.height()).add(shape.width())).put("map", map)
                    .put("overlay", "data:image/png;base64," + Base64.getEncoder().encodeToString(png)));
        }
        return new JsonObject().put("model_name", admission.model().name())
                .put("model_version", admission.model().version()).put("explanations", explanations);
    }

    private <T> Future<T> onContext(CompletableFuture<T> result) {
        return Future.fromCompletionStage(result, vertx.getOrCreateContext());
    }
}
