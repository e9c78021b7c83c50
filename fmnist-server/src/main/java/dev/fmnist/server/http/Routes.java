package dev.fmnist.server.http;

import dev.fmnist.api.ImageShape;
import dev.fmnist.image.DatasetImages;
import dev.fmnist.image.DecodingMemory;
import dev.fmnist.image.ImageInputException;
import dev.fmnist.image.ImagePreprocessor;
import dev.fmnist.runtime.predict.Prediction;
import dev.fmnist.runtime.predict.Predictor;
import dev.fmnist.runtime.search.CatalogIndex;
import dev.fmnist.runtime.search.Neighbour;
import dev.fmnist.server.ModelRepository;
import dev.fmnist.server.ModelSource;
import dev.fmnist.server.ServedModel;
import dev.fmnist.server.ServerConfig;
import dev.fmnist.server.batch.BatchingExecutor;
import dev.fmnist.server.batch.QueueFullException;
import dev.fmnist.server.infer.InferenceProtocol;
import dev.fmnist.server.infer.InferenceResponse;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.FileUpload;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's routes. Handlers on the event loop only route and answer; JSON parsing, image decoding and
 * the forward pass run on worker threads and the model's batching thread.
 */
public final class Routes {

    private static final Logger log = LoggerFactory.getLogger(Routes.class);
    private static final Set<String> IMAGE_TYPES = Set.of("image/png", "image/jpeg", "image/jpg", "image/gif",
            "image/bmp", "image/x-ms-bmp", "image/webp", "application/octet-stream");

    /** Triton's binary tensor extension: the length of the JSON at the start of a body with binary data. */
    static final String BINARY_HEADER = "Inference-Header-Content-Length";

    private final Vertx vertx;
    private final WorkerExecutor decoding;
    private final ServerConfig config;
    private final ModelRepository models;
    private final String platformVersion;

    public Routes(Vertx vertx, ServerConfig config, ModelRepository models, String platformVersion) {
        this.vertx = vertx;
        this.decoding = vertx.createSharedWorkerExecutor("fmnist-image-decoding",
                Math.max(1, Runtime.getRuntime().availableProcessors()));
        this.config = config;
        this.models = models;
        this.platformVersion = platformVersion;
    }

    public Router router(PrometheusMeterRegistry registry, Path uploads) {
        Router router = Router.router(vertx);
        router.route().handler(new RequestGuard(config));
        router.get("/v2/health/live").handler(ctx -> ctx.json(new JsonObject().put("live", true)));
        router.get("/v2/health/ready").handler(this::serverReady);
        // bodies are read only for a route that takes one, after the guard: a request refused or to an unknown
        // path buffers nothing
        BodyHandler body = BodyHandler.create().setBodyLimit(config.maxBodyBytes())
                .setUploadsDirectory(uploads.toString()).setDeleteUploadedFilesOnEnd(true);
        router.get("/v2").handler(this::serverMetadata);
        router.get("/v2/").handler(this::serverMetadata);
        for (String base : List.of("/v2/models/:name", "/v2/models/:name/versions/:version")) {
            router.get(base).handler(this::modelMetadata);
            router.get(base + "/ready").handler(this::modelReady);
            router.post(base + "/infer").handler(body).handler(this::infer);
            router.post(base + "/classify").handler(body).handler(this::classify);
            router.post(base + "/similar").handler(body).handler(this::similar);
        }
        router.get("/v2/models/:name/items/:item/image").handler(this::itemImage);
        router.post("/v2/repository/index").handler(body).handler(this::repositoryIndex);
        router.post("/v2/repository/models/:name/load").handler(body).handler(this::loadModel);
        router.post("/v2/repository/models/:name/unload").handler(body).handler(this::unloadModel);
        router.get("/api/models").handler(this::listModels);
        router.get("/metrics").handler(PrometheusScrapingHandler.create(registry));
        // what the image decodes hold of the process's decoding memory now (a quarter of the heap at most)
        io.micrometer.core.instrument.Gauge.builder("fmnist.images.decoding.bytes", DecodingMemory.shared(),
                DecodingMemory::reservedBytes).baseUnit("bytes").register(registry);
        router.get("/*").handler(StaticHandler.create("webroot").setCachingEnabled(false));
        router.route().last().handler(ctx -> ctx.fail(new ApiError(404,
                "no route " + ctx.request().method() + " " + ctx.request().path())));
        router.route().failureHandler(this::failure);
        return router;
    }

    private void serverReady(RoutingContext ctx) {
        JsonObject body = new JsonObject().put("ready", models.allReady());
        if (!models.allReady()) {
            List<String> problems = new ArrayList<>();
            models.all().stream().filter(m -> m.required() && !m.isReady())
                    .forEach(m -> problems.add("model '" + m.name() + "': " + m.reason()));
            body.put("error", problems.isEmpty() ? "no model is configured" : String.join("; ", problems));
        }
        ctx.response().setStatusCode(models.allReady() ? 200 : 503);
        ctx.json(body);
    }

    private void serverMetadata(RoutingContext ctx) {
        ctx.json(new JsonObject().put("name", "fmnist").put("version", platformVersion)
                .put("extensions", new JsonArray().add("classification").add("image_classify").add("similar")
                        .add("binary_tensor_data").add("model_repository")));
    }

    private void listModels(RoutingContext ctx) {
        JsonArray list = new JsonArray();
        for (ServedModel model : models.all()) {
            JsonObject entry = new JsonObject().put("name", model.name()).put("version", model.version())
                    .put("ready", model.isReady()).put("state", model.state().name());
            if (!model.isReady()) {
                entry.put("error", model.reason());
            }
            model.index().ifPresent(index -> entry.put("similar_items", index.size()));
            list.add(entry);
        }
        ctx.json(new JsonObject().put("models", list));
    }

    /**
     * The named model (and version, when the URL has one): 404 unknown; 503 when it is not loaded. A ready model
     * counts the request in until its response ends, so that an unload lets it finish.
     */
    private ServedModel model(RoutingContext ctx, boolean mustBeReady) {
        String name = ctx.pathParam("name");
        ServedModel model = models.get(name).orElseThrow(() -> new ApiError(404, "unknown model '" + name
                + "'; served: " + String.join(", ", models.all().stream().map(ServedModel::name).toList())));
        String version = ctx.pathParam("version");
        if (version != null && !version.equals(model.version())) {
            throw new ApiError(404, "model '" + name + "' has no version '" + version + "'; it has '"
                    + model.version() + "'");
        }
        if (mustBeReady && !model.isReady()) {
            throw new ApiError(503, "model '" + name + "' is not ready: " + model.reason(), "30");
        }
        if (mustBeReady) {
            BatchingExecutor executor = model.executor().orElseThrow();
            if (!executor.enter()) {
                throw new ApiError(503, "model '" + name + "' version " + model.version() + " is being unloaded", "1");
            }
            ctx.addEndHandler(ended -> executor.leave());
        }
        return model;
    }

    private void modelMetadata(RoutingContext ctx) {
        ServedModel model = model(ctx, true);
        ctx.json(InferenceProtocol.metadata(model, model.predictor().orElseThrow().manifest()));
    }

    private void modelReady(RoutingContext ctx) {
        ServedModel model = model(ctx, false);
        JsonObject body = new JsonObject().put("name", model.name()).put("ready", model.isReady());
        if (!model.isReady()) {
            body.put("error", model.reason());
        }
        ctx.response().setStatusCode(model.isReady() ? 200 : 503);
        ctx.json(body);
    }

    /** The model repository extension's index: every model with its state; {@code {"ready":true}}: the ready ones. */
    private void repositoryIndex(RoutingContext ctx) {
        Object ready = jsonBody(ctx).getValue("ready");
        if (ready != null && !(ready instanceof Boolean)) {
            throw new ApiError(400, "'ready' must be true or false");
        }
        boolean readyOnly = Boolean.TRUE.equals(ready);
        vertx.executeBlocking(models::index, false)
                .onSuccess(entries -> {
                    JsonArray list = new JsonArray();
                    entries.stream().filter(e -> !readyOnly || e.state() == ServedModel.State.READY)
                            .forEach(e -> list.add(new JsonObject().put("name", e.name()).put("version", e.version())
                                    .put("state", e.state().name()).put("reason", e.reason())));
                    ctx.json(list);
                })
                .onFailure(ctx::fail);
    }

    /**
     * Loads a model, or loads it again: {@code {"parameters":{"run":RUN,"index":INDEX|"none"}}}, both optional.
     * Answers once the new version serves (the old one, if any, has handed over).
     */
    private void loadModel(RoutingContext ctx) {
        String name = ctx.pathParam("name");
        if (!ModelSource.isValidName(name)) {
            throw new ApiError(400, "model name '" + name + "' must be " + ModelSource.NAME_RULE);
        }
        Object parameters = jsonBody(ctx).getValue("parameters");
        if (parameters != null && !(parameters instanceof JsonObject)) {
            throw new ApiError(400, "'parameters' must be a JSON object");
        }
        JsonObject given = parameters == null ? new JsonObject() : (JsonObject) parameters;
        Optional<String> run = stringParameter(given, "run");
        Optional<String> index = stringParameter(given, "index");
        vertx.executeBlocking(() -> models.load(name, run, index), false)
                .onSuccess(model -> ctx.json(new JsonObject().put("name", model.name()).put("version", model.version())
                        .put("state", model.state().name())))
                .onFailure(ctx::fail);
    }

    /** Unloads a model; answers once the requests it had have finished. */
    private void unloadModel(RoutingContext ctx) {
        String name = ctx.pathParam("name");
        vertx.executeBlocking(() -> {
            models.unload(name);
            return name;
        }, false).onSuccess(unloaded -> ctx.json(new JsonObject().put("name", unloaded).put("state", "UNAVAILABLE")))
                .onFailure(ctx::fail);
    }

    private static Optional<String> stringParameter(JsonObject parameters, String key) {
        Object value = parameters.getValue(key);
        if (value != null && !(value instanceof String)) {
            throw new ApiError(400, "parameter '" + key + "' must be a string");
        }
        return Optional.ofNullable((String) value).filter(v -> !v.isBlank());
    }

    /**
     * The body as a JSON object; no body (and no Content-Type) is an empty object. A form's body (a multipart
     * one is parsed away before this) is refused, not taken for an empty request.
     */
    private static JsonObject jsonBody(RoutingContext ctx) {
        Buffer body = ctx.body().buffer();
        boolean empty = body == null || body.length() == 0;
        if (empty && ctx.request().getHeader("Content-Type") == null) {
            return new JsonObject();
        }
        requireJson(ctx);
        if (empty) {
            return new JsonObject();
        }
        try {
            return body.toJsonObject();
        } catch (RuntimeException e) {
            throw new ApiError(400, "the request body must be a JSON object: " + e.getMessage());
        }
    }

    private void infer(RoutingContext ctx) {
        ServedModel model = model(ctx, true);
        Predictor predictor = model.predictor().orElseThrow();
        BatchingExecutor executor = model.executor().orElseThrow();
        String headerLength = ctx.request().getHeader(BINARY_HEADER);
        if (headerLength == null) {
            requireJson(ctx);
        } else if (!contentType(ctx).equals("application/octet-stream") && !isJson(contentType(ctx))) {
            throw new ApiError(415, "a request with binary tensor data is application/octet-stream, not '"
                    + contentType(ctx) + "'");
        }
        Buffer body = ctx.body().buffer();
        if (body == null || body.length() == 0) {
            throw new ApiError(400, "the request has no body; send an inference request JSON object");
        }
        long deadline = deadline();
        vertx.executeBlocking(() -> InferenceProtocol.parse(body, headerLength, predictor, executor.maxBatch()), false)
                .compose(input -> run(executor, input.rows(), input.count(), deadline)
                        .map(probabilities -> InferenceProtocol.response(model, input, probabilities,
                                predictor.manifest().classNames())))
                .onSuccess(response -> send(ctx, response))
                .onFailure(ctx::fail);
    }

    /** JSON alone, or JSON then the binary outputs with the JSON's length in the extension's header. */
    private static void send(RoutingContext ctx, InferenceResponse response) {
        if (!response.hasBinary()) {
            ctx.json(response.json());
            return;
        }
        Buffer json = response.json().toBuffer();
        ctx.response().putHeader("Content-Type", "application/octet-stream")
                .putHeader(BINARY_HEADER, Integer.toString(json.length()))
                .end(json.appendBuffer(response.binary()));
    }

    private void classify(RoutingContext ctx) {
        ServedModel model = model(ctx, true);
        Predictor predictor = model.predictor().orElseThrow();
        BatchingExecutor executor = model.executor().orElseThrow();
        int top = intParameter(ctx, "top", 3, 1, 10);
        postedImages(ctx, predictor, executor.maxBatch())
                .compose(images -> run(executor, images.rows(), images.names().size(), images.deadline())
                        .map(probabilities -> imageResponse(model, images.names(), probabilities, top,
                                predictor.manifest().classNames())))
                .onSuccess(ctx::json)
                .onFailure(ctx::fail);
    }

    /**
     * The images of an image request (raw bytes of one, or multipart files), decoded and converted on a worker
     * thread: 415 for a body that is not an image type, 400 for more images than one forward pass takes.
     */
    private Future<Images> postedImages(RoutingContext ctx, Predictor predictor, int maxImages) {
        List<FileUpload> uploads = ctx.fileUploads();
        String type = contentType(ctx);
        if (uploads.isEmpty() && !IMAGE_TYPES.contains(type)) {
            throw new ApiError(415, "send an image (image/png, image/jpeg, image/gif, image/bmp or image/webp) or "
                    + "multipart/form-data with image files, not '" + type + "'");
        }
        if (uploads.size() > maxImages) {
            throw new ApiError(400, uploads.size() + " images; at most " + maxImages + " per request");
        }
        Buffer body = ctx.body().buffer();
        // decoded on a pool of their own, as many at once as there are cores and as fit the decoding memory (a
        // quarter of the heap): a flood of images can neither take the heap nor the workers that parse JSON. One
        // deadline covers decoding and the model: a reader still at work past it is aborted between rows.
        long deadline = deadline();
        return decoding.executeBlocking(() -> images(uploads, body, predictor, deadline), false)
                .timeout(config.timeoutMillis(), TimeUnit.MILLISECONDS)
                .recover(failure -> Future.failedFuture(failure instanceof TimeoutException
                        ? new ApiError(503, "the images were not decoded within " + config.timeoutMillis()
                                + " ms; try again shortly", "1")
                        : failure));
    }

    /**
     * The catalog items most like each posted image: its embedding by the model (on the model's own thread), then
     * the index's search, with a link to each item's thumbnail.
     */
    private void similar(RoutingContext ctx) {
        ServedModel model = model(ctx, true);
        CatalogIndex index = model.index().orElseThrow(() -> new ApiError(404, "model '" + model.name()
                + "' has no similar-item index; serve one beside it with --index " + model.name() + "=INDEX"));
        Predictor predictor = model.predictor().orElseThrow();
        BatchingExecutor executor = model.executor().orElseThrow();
        int k = intParameter(ctx, "k", 10, 1, 100);
        postedImages(ctx, predictor, executor.maxBatch())
                .compose(images -> answer(executor.submitEmbedding(images.rows(), images.names().size()),
                        images.deadline())
                        .compose(rows -> vertx.executeBlocking(() -> similarResponse(model, index, images.names(),
                                rows, k), false)))
                .onSuccess(ctx::json)
                .onFailure(ctx::fail);
    }

    private static JsonObject similarResponse(ServedModel model, CatalogIndex index, List<String> names,
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

    /** A catalog item's stored 28x28 pixels as a PNG: the thumbnails of similar-item results. */
    private void itemImage(RoutingContext ctx) {
        ServedModel model = model(ctx, true);
        CatalogIndex index = model.index().orElseThrow(() -> new ApiError(404, "model '" + model.name()
                + "' has no similar-item index"));
        int item;
        try {
            item = Integer.parseInt(ctx.pathParam("item"));
        } catch (NumberFormatException e) {
            item = -1;
        }
        if (item < 0 || item >= index.size()) {
            throw new ApiError(404, "no item '" + ctx.pathParam("item") + "'; the index has items 0 to "
                    + (index.size() - 1));
        }
        int position = item;
        // ImageIO's encoder is blocking work: on a worker thread, not the event loop.
        vertx.executeBlocking(() -> DatasetImages.png(index.pixels(position), ImageShape.FASHION_MNIST), false)
                .onSuccess(png -> ctx.response().putHeader("Content-Type", "image/png")
                        .putHeader("Cache-Control", "max-age=3600").end(Buffer.buffer(png)))
                .onFailure(ctx::fail);
    }

    private record Images(List<String> names, float[] rows, long deadline) {}

    private Images images(List<FileUpload> uploads, Buffer body, Predictor predictor, long deadline)
            throws java.io.IOException {
        ImagePreprocessor preprocessor = new ImagePreprocessor(config.maxImagePixels());
        List<String> names = new ArrayList<>();
        List<byte[]> files = new ArrayList<>();
        if (uploads.isEmpty()) {
            if (body == null || body.length() == 0) {
                throw new ApiError(400, "the request has no image");
            }
            names.add("image");
            files.add(body.getBytes());
        } else {
            for (FileUpload upload : uploads) {
                names.add(upload.fileName());
                files.add(Files.readAllBytes(Path.of(upload.uploadedFileName())));
            }
        }
        float[] rows = new float[files.size() * predictor.encoder().pixels()];
        for (int i = 0; i < files.size(); i++) {
            predictor.encoder().encodeBytes(preprocessor.pixels(files.get(i), names.get(i), deadline), 0, rows, i);
        }
        return new Images(names, rows, deadline);
    }

    private static JsonObject imageResponse(ServedModel model, List<String> names, float[][] probabilities, int top,
            List<String> classNames) {
        JsonArray predictions = new JsonArray();
        for (int i = 0; i < names.size(); i++) {
            Prediction prediction = Prediction.of(probabilities[i], top, classNames);
            JsonArray classes = new JsonArray();
            prediction.top().forEach(c -> classes.add(new JsonObject().put("label", c.label())
                    .put("index", c.classIndex()).put("probability", c.probability())));
            predictions.add(new JsonObject().put("name", names.get(i)).put("top", classes));
        }
        return new JsonObject().put("model_name", model.name()).put("model_version", model.version())
                .put("predictions", predictions);
    }

    private Future<float[][]> run(BatchingExecutor executor, float[] rows, int count, long deadline) {
        return answer(executor.submit(rows, count), deadline);
    }

    /** When a request arriving now must have its answer: {@code server.timeout-ms} from now, in nanoTime. */
    private long deadline() {
        return System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.timeoutMillis());
    }

    /** The model's answer back on this request's context, or a timeout at the request's deadline. */
    private Future<float[][]> answer(CompletableFuture<float[][]> result, long deadline) {
        long left = Math.max(1, deadline - System.nanoTime());
        return Future.fromCompletionStage(result.orTimeout(left, TimeUnit.NANOSECONDS), vertx.getOrCreateContext());
    }

    private static int intParameter(RoutingContext ctx, String name, int fallback, int min, int max) {
        String value = ctx.queryParams().get(name);
        if (value == null) {
            return fallback;
        }
        try {
            int parsed = Integer.parseInt(value);
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new ApiError(400, "'" + name + "' must be a whole number from " + min + " to " + max + ", got '"
                + value + "'");
    }

    /**
     * JSON only as JSON: a browser sends {@code text/plain} across sites without asking the server first, so a page
     * the user visits must not be able to post "JSON" that way.
     */
    private static void requireJson(RoutingContext ctx) {
        if (!isJson(contentType(ctx))) {
            throw new ApiError(415, "send the JSON as application/json, not '" + contentType(ctx) + "'");
        }
    }

    private static boolean isJson(String type) {
        return type.equals("application/json") || type.startsWith("application/") && type.endsWith("+json");
    }

    private static String contentType(RoutingContext ctx) {
        String header = ctx.request().getHeader("Content-Type");
        if (header == null) {
            return "none";
        }
        return header.split(";")[0].trim().toLowerCase(Locale.ROOT);
    }

    private void failure(RoutingContext ctx) {
        Throwable failure = unwrap(ctx.failure());
        int status;
        String message;
        String retryAfter = null;
        if (failure instanceof ApiError error) {
            status = error.status();
            message = error.getMessage();
            retryAfter = error.retryAfterSeconds();
        } else if (failure instanceof ModelRepository.RepositoryException repository) {
            status = repository.unknown() ? 404 : 400;
            message = repository.getMessage();
        } else if (failure instanceof QueueFullException) {
            status = 503;
            message = failure.getMessage();
            retryAfter = "1";
        } else if (failure instanceof TimeoutException) {
            status = 503;
            message = "the model did not answer within " + config.timeoutMillis() + " ms; try again shortly";
            retryAfter = "1";
        } else if (failure instanceof ImageInputException image) {
            status = switch (image.reason()) {
                case TOO_LARGE -> 413;
                case NOT_AN_IMAGE -> 415;
                case TIMED_OUT -> 503;
                case CORRUPT -> 400;
            };
            message = image.getMessage();
            retryAfter = image.reason() == ImageInputException.Reason.TIMED_OUT ? "1" : null;
        } else if (failure == null && ctx.statusCode() == 413) {
            status = 413;
            message = "the request body exceeds the limit of " + config.maxBodyBytes() + " bytes";
        } else if (failure == null && ctx.statusCode() >= 400 && ctx.statusCode() < 500) {
            status = ctx.statusCode();
            message = ctx.statusCode() == 405 ? "method " + ctx.request().method() + " is not allowed on "
                    + ctx.request().path() : "the request cannot be served (HTTP " + ctx.statusCode() + ")";
        } else {
            status = 500;
            message = "internal error; the server log has the details";
            log.error("Request {} {} failed", ctx.request().method(), ctx.request().path(), failure);
        }
        if (ctx.response().ended()) {
            return;
        }
        if (retryAfter != null) {
            ctx.response().putHeader("Retry-After", retryAfter);
        }
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                .end(new JsonObject().put("error", message).encode());
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable current = failure;
        while (current instanceof java.util.concurrent.CompletionException && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }
}
