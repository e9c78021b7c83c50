package dev.fmnist.server.http;

import dev.fmnist.image.DecodingMemory;
import dev.fmnist.server.ModelRepository;
import dev.fmnist.server.ServerConfig;
import dev.fmnist.server.inference.Inference;
import dev.fmnist.server.inference.ServingError;
import dev.fmnist.server.review.ReviewQueue;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The server's HTTP routes, in one table: every request passes the guard first (the API key, the request limits),
 * then the route that serves it; every failure ends in {@link HttpErrors}.
 */
public final class RouteTable {

    private RouteTable() {}

    public static Router router(Vertx vertx, ServerConfig config, ModelRepository models, Inference inference,
            String platformVersion, PrometheusMeterRegistry registry, Path uploads, Map<String, ReviewQueue> reviews) {
        PostedImages images = new PostedImages(vertx, config);
        HealthRoutes health = new HealthRoutes(models, inference, platformVersion);
        InferenceRoutes infer = new InferenceRoutes(vertx, inference, images);
        SimilarRoutes similar = new SimilarRoutes(vertx, inference, images);
        ExplainRoutes explain = new ExplainRoutes(vertx, inference, images);
        ReviewRoutes review = new ReviewRoutes(vertx, reviews);
        RepositoryRoutes repository = new RepositoryRoutes(vertx, models);

        Router router = Router.router(vertx);
        router.route().handler(new RequestGuard(config));
        router.get("/v2/health/live").handler(health::live);
        router.get("/v2/health/ready").handler(health::serverReady);
        // bodies are read only for a route that takes one, after the guard: a request refused or to an unknown
        // path buffers nothing
        BodyHandler body = BodyHandler.create().setBodyLimit(config.maxBodyBytes())
                .setUploadsDirectory(uploads.toString()).setDeleteUploadedFilesOnEnd(true);
        router.get("/v2").handler(health::serverMetadata);
        router.get("/v2/").handler(health::serverMetadata);
        for (String base : List.of("/v2/models/:name", "/v2/models/:name/versions/:version")) {
            router.get(base).handler(health::modelMetadata);
            router.get(base + "/ready").handler(health::modelReady);
            router.post(base + "/infer").handler(body).handler(infer::infer);
            router.post(base + "/classify").handler(body).handler(infer::classify);
            router.post(base + "/similar").handler(body).handler(similar::similar);
            router.post(base + "/explain").handler(body).handler(explain::explain);
        }
        router.get("/v2/models/:name/items/:item/image").handler(similar::itemImage);
        router.get("/v2/models/:name/review").handler(review::stats);
        router.get("/v2/models/:name/review/next").handler(review::next);
        router.post("/v2/models/:name/review/decisions").handler(body).handler(review::decide);
        router.post("/v2/repository/index").handler(body).handler(repository::index);
        router.post("/v2/repository/models/:name/load").handler(body).handler(repository::load);
        router.post("/v2/repository/models/:name/unload").handler(body).handler(repository::unload);
        router.post("/v2/repository/models/:name/promote").handler(body).handler(repository::promote);
        router.post("/v2/repository/models/:name/rollback").handler(body).handler(repository::rollback);
        router.post("/v2/repository/models/:name/traffic").handler(body).handler(repository::traffic);
        router.get("/api/models").handler(health::listModels);
        router.get("/metrics").handler(PrometheusScrapingHandler.create(registry));
        // what the image decodes hold of the process's decoding memory now (a quarter of the heap at most)
        Gauge.builder("fmnist.images.decoding.bytes", DecodingMemory.shared(), DecodingMemory::reservedBytes)
                .baseUnit("bytes").register(registry);
        router.get("/*").handler(StaticHandler.create("webroot").setCachingEnabled(false));
        router.route().last().handler(ctx -> ctx.fail(ServingError.notFound(
                "no route " + ctx.request().method() + " " + ctx.request().path())));
        router.route().failureHandler(new HttpErrors(config));
        return router;
    }
}
