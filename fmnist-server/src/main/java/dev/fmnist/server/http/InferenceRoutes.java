package dev.fmnist.server.http;

import dev.fmnist.runtime.model.Acceptance;
import dev.fmnist.runtime.predict.Prediction;
import dev.fmnist.server.inference.Inference;
import dev.fmnist.server.inference.InferenceRequest;
import dev.fmnist.server.inference.ServingError;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The protocol's {@code infer} (JSON, or JSON then binary tensor data) and the image extension's {@code classify}:
 * handlers on the event loop only route and answer; parsing and decoding run on worker threads, the forward pass
 * on the model's batching thread.
 */
final class InferenceRoutes {

    /** Triton's binary tensor extension: the length of the JSON at the start of a body with binary data. */
    static final String BINARY_HEADER = "Inference-Header-Content-Length";

    private final Vertx vertx;
    private final Inference inference;
    private final PostedImages images;

    InferenceRoutes(Vertx vertx, Inference inference, PostedImages images) {
        this.vertx = vertx;
        this.inference = inference;
        this.images = images;
    }

    void infer(RoutingContext ctx) {
        long arrived = System.nanoTime();
        long deadline = HttpRequests.deadline(ctx, inference);
        Inference.Admission admission = HttpRequests.admit(ctx, inference);
        String headerLength = ctx.request().getHeader(BINARY_HEADER);
        String type = HttpRequests.contentType(ctx);
        if (headerLength == null) {
            HttpRequests.requireJson(ctx);
        } else if (!type.equals("application/octet-stream") && !HttpRequests.isJson(type)) {
            throw ServingError.unsupportedMediaType("a request with binary tensor data is application/octet-stream, "
                    + "not '" + type + "'");
        }
        Buffer body = ctx.body().buffer();
        if (body == null || body.length() == 0) {
            throw ServingError.invalid("the request has no body; send an inference request JSON object");
        }
        String model = admission.model().name();
        String version = admission.model().version();
        Context trace = Context.current();
        Span decoding = inference.tracing().stage("decode", trace);
        vertx.executeBlocking(() -> {
                    InferenceRequest request = OipJson.parse(body, headerLength, admission.predictor().encoder(),
                            admission.maxBatch());
                    admission.checkOutputs(request.outputs());
                    return request;
                }, false)
                .onComplete(decoded -> ended(decoding, decoded.cause()))
                .compose(request -> onContext(inference.probabilities(admission, request.input(), deadline,
                                new Inference.Caller("rest", request.id() != null ? request.id()
                                        : ctx.request().getHeader(HttpRequests.REQUEST_ID), arrived, trace)))
                        .map(probabilities -> {
                            Span encoding = inference.tracing().stage("encode", trace);
                            try {
                                return JsonAnswer.of(model, version, request, admission.outputs(request, probabilities));
                            } finally {
                                encoding.end();
                            }
                        }))
                .onSuccess(answer -> send(ctx, answer))
                .onFailure(ctx::fail);
    }

    /** JSON alone, or JSON then the binary outputs with the JSON's length in the extension's header. */
    private static void send(RoutingContext ctx, JsonAnswer answer) {
        if (!answer.hasBinary()) {
            ctx.json(answer.json());
            return;
        }
        Buffer json = answer.json().toBuffer();
        ctx.response().putHeader("Content-Type", "application/octet-stream")
                .putHeader(BINARY_HEADER, Integer.toString(json.length()))
                .end(json.appendBuffer(answer.binary()));
    }

    /** The top classes of each posted image (raw bytes of one, or multipart files). */
    void classify(RoutingContext ctx) {
        long arrived = System.nanoTime();
        long deadline = HttpRequests.deadline(ctx, inference);
        Inference.Admission admission = HttpRequests.admit(ctx, inference);
        int top = HttpRequests.intParameter(ctx, "top", 3, 1, 10);
        Context trace = Context.current();
        Span decoding = inference.tracing().stage("decode", trace);
        Future<PostedImages.Images> read;
        try {
            read = images.read(ctx, admission.predictor(), admission.maxBatch(), deadline);
        } catch (RuntimeException e) {
            ended(decoding, e);
            throw e;
        }
        read.onComplete(decoded -> ended(decoding, decoded.cause()))
                .compose(posted -> onContext(inference.probabilities(admission, posted.batch(), deadline,
                                new Inference.Caller("rest", ctx.request().getHeader(HttpRequests.REQUEST_ID), arrived,
                                        trace)))
                        .map(probabilities -> {
                            Span encoding = inference.tracing().stage("encode", trace);
                            try {
                                return classified(admission, posted.names(),
                                        admission.predictor().rank(probabilities, top));
                            } finally {
                                encoding.end();
                            }
                        }))
                .onSuccess(ctx::json)
                .onFailure(ctx::fail);
    }

    /**
     * Each image's top classes, and for a model with an acceptance threshold whether its answer is accepted (the
     * threshold and its target accuracy once, beside the predictions).
     */
    private static JsonObject classified(Inference.Admission admission, List<String> names,
            List<Prediction> ranked) {
        Optional<Acceptance> acceptance = admission.predictor().acceptance();
        JsonArray predictions = new JsonArray();
        for (int i = 0; i < names.size(); i++) {
            JsonArray classes = new JsonArray();
            ranked.get(i).top().forEach(c -> classes.add(new JsonObject().put("label", c.label())
                    .put("index", c.classIndex()).put("probability", c.probability())));
            JsonObject prediction = new JsonObject().put("name", names.get(i)).put("top", classes);
            if (acceptance.isPresent()) {
                prediction.put("accepted", acceptance.get().accepts(ranked.get(i).best().probability()));
            }
            predictions.add(prediction);
        }
        JsonObject answer = new JsonObject().put("model_name", admission.model().name())
                .put("model_version", admission.model().version());
        acceptance.ifPresent(a -> answer.put("acceptance", new JsonObject().put("threshold", a.threshold())
                .put("target_accuracy", a.targetAccuracy())));
        return answer.put("predictions", predictions);
    }

    /** Ends a stage's span, marked as failed when the stage failed. */
    private static void ended(Span span, Throwable failure) {
        if (failure != null) {
            span.setStatus(StatusCode.ERROR, String.valueOf(failure.getMessage()));
        }
        span.end();
    }

    /** The model's answer back on this request's context. */
    private <T> Future<T> onContext(CompletableFuture<T> result) {
        return Future.fromCompletionStage(result, vertx.getOrCreateContext());
    }
}
