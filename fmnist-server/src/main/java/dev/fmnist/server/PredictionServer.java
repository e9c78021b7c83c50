package dev.fmnist.server;

import dev.fmnist.image.ImagePreprocessor;
import dev.fmnist.runtime.nativecpu.ResidentMemoryWatch;
import dev.fmnist.runtime.plugins.PluginClasses;
import dev.fmnist.runtime.predict.Predictor;
import dev.fmnist.server.grpc.GrpcEndpoint;
import dev.fmnist.server.http.ConnectionCap;
import dev.fmnist.server.http.RouteTable;
import dev.fmnist.server.inference.Inference;
import dev.fmnist.server.payload.PayloadLog;
import dev.fmnist.server.tracing.Tracing;
import io.vertx.core.VertxBuilder;
import io.vertx.core.tracing.TracingPolicy;
import io.vertx.tracing.opentelemetry.OpenTelemetryOptions;
import io.vertx.tracing.opentelemetry.OpenTelemetryTracingFactory;
import dev.fmnist.server.review.ReviewQueue;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.Pointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running prediction server: Vert.x, its HTTP server, the models and their metrics. */
public final class PredictionServer implements AutoCloseable {

    /**
     * Seconds a connection may stay silent before the server closes it: long enough for the slowest answer (a
     * repository load of a large index), short enough that silent clients do not hold sockets for ever.
     */
    static final int IDLE_SECONDS = 300;

    /** The methods the metrics name; others are counted as OTHER. */
    private static final java.util.Set<String> KNOWN_METHODS = java.util.Set.of("GET", "HEAD", "POST", "PUT", "DELETE",
            "OPTIONS", "PATCH");

    private static final Logger log = LoggerFactory.getLogger(PredictionServer.class);

    private final Vertx vertx;
    private final HttpServer server;
    private final Optional<GrpcEndpoint> grpc;
    private final ModelRepository models;
    private final PayloadLog payloads;
    private final Tracing tracing;
    private final Optional<ResidentMemoryWatch> memoryWatch;

    private PredictionServer(Vertx vertx, HttpServer server, Optional<GrpcEndpoint> grpc, ModelRepository models,
            PayloadLog payloads, Tracing tracing, Optional<ResidentMemoryWatch> memoryWatch) {
        this.memoryWatch = memoryWatch;
        this.payloads = payloads;
        this.tracing = tracing;
        this.vertx = vertx;
        this.server = server;
        this.grpc = grpc;
        this.models = models;
    }

    /** {@link #start(ServerConfig, List, String, PluginClasses)} for models of built-in plugins only. */
    public static PredictionServer start(ServerConfig config, List<ModelSource> sources, String platformVersion) {
        return start(config, sources, platformVersion, PluginClasses.platform());
    }

    /** {@link #start(ServerConfig, List, Optional, String, PluginClasses)} without a models folder. */
    public static PredictionServer start(ServerConfig config, List<ModelSource> sources, String platformVersion,
            PluginClasses classes) {
        return start(config, sources, Optional.empty(), platformVersion, classes);
    }

    /**
     * A server reachable from the network without a key lets anyone load and unload models; without TLS its
     * traffic, the key included, is plain text.
     */
    private static void warnWhenExposed(ServerConfig config) {
        boolean loopback;
        try {
            loopback = java.net.InetAddress.getByName(config.host()).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            loopback = false;
        }
        if (loopback) {
            return;
        }
        if (config.apiKey().isEmpty()) {
            log.warn("The server listens on {}, reachable from the network, without an API key: anyone who reaches "
                    + "the port can classify, and load or unload models; set server.api-key", config.host());
        }
        if (config.tls().isEmpty()) {
            log.warn("The server listens on {} over plain HTTP: requests, the API key included, cross the network "
                    + "unencrypted; set server.tls.cert and server.tls.key, or put it behind a TLS proxy", config.host());
        }
    }

    /**
     * Loads the models, and every run folder of {@code modelsDir} under the folder's name, each through its
     * plugin's classes, and listens; returns once the port is bound (port 0 picks a free one).
     */
    public static PredictionServer start(ServerConfig config, List<ModelSource> sources, Optional<Path> modelsDir,
            String platformVersion, PluginClasses classes) {
        return start(config, sources, modelsDir, platformVersion, classes, Map.of());
    }

    /**
     * {@link #start(ServerConfig, List, Optional, String, PluginClasses)} with a review desk for some models
     * ({@code --review NAME=DIR}; the name "" for the only model): the images of each folder that its model does not
     * accept, queued for people.
     */
    public static PredictionServer start(ServerConfig config, List<ModelSource> sources, Optional<Path> modelsDir,
            String platformVersion, PluginClasses classes, Map<String, Path> reviews) {
        Tracing tracing = config.otlpEndpoint().map(Tracing::otlp).orElseGet(Tracing::off);
        try {
            return start(config, sources, modelsDir, platformVersion, classes, reviews, tracing);
        } catch (RuntimeException e) {
            tracing.close();
            throw e;
        }
    }

    /** The server with its spans going to {@code tracing} (which it closes when it stops). */
    public static PredictionServer start(ServerConfig config, List<ModelSource> sources, Optional<Path> modelsDir,
            String platformVersion, PluginClasses classes, Map<String, Path> reviews, Tracing tracing) {
        OptionalLong memoryLimit = ResidentMemoryWatch.askedLimit();
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        // HTTP allows any token as a method: without a bound, anyone could create series without the key
        registry.config().meterFilter(new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                String method = id.getTag("method");
                return !id.getName().startsWith("vertx.http") || method == null || KNOWN_METHODS.contains(method) ? id
                        : id.replaceTags(Tags.of(id.getTags()).and("method", "OTHER"));
            }
        });
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        ModelRepository models = new ModelRepository(sources, modelsDir, config, registry, classes);
        Map<String, ReviewQueue> queues;
        PayloadLog payloads;
        try {
            queues = reviewQueues(reviews, models, config, classes);
            payloads = PayloadLog.open(config.payloadLog(), registry);
        } catch (RuntimeException e) {
            models.close();
            throw e;
        }
        Inference inference = new Inference(models, config.timeoutMillis(), payloads, tracing);
        VertxOptions vertxOptions = new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions()
                .setEnabled(true).addLabels(Label.HTTP_ROUTE, Label.HTTP_CODE, Label.HTTP_METHOD));
        VertxBuilder builder = Vertx.builder().withMetrics(new MicrometerMetricsFactory(registry));
        if (tracing.enabled()) {
            // each HTTP request gets a span of its own, a child of the caller's traceparent when it sends one
            vertxOptions.setTracingOptions(new OpenTelemetryOptions());
            builder.withTracer(new OpenTelemetryTracingFactory(tracing.openTelemetry()));
        }
        Vertx vertx = builder.with(vertxOptions).build();
        Path uploads;
        try {
            uploads = Files.createTempDirectory("fmnist-uploads");
            uploads.toFile().deleteOnExit();
        } catch (IOException e) {
            throw closing(models, payloads, vertx,
                    new UncheckedIOException("cannot create a folder for uploads: " + e.getMessage(), e));
        }
        HttpServer server;
        try {
            // an idle connection (a slow or silent client) is closed instead of holding a socket for ever
            // no HTTP/2 over plain text: Vert.x would wait for a client's first bytes to tell the two apart
            // before it sets the connection up, so silent sockets would escape the connection cap
            HttpServerOptions options = new HttpServerOptions().setHost(config.host()).setPort(config.port())
                    .setCompressionSupported(true).setHttp2ClearTextEnabled(false)
                    .setIdleTimeout(IDLE_SECONDS).setIdleTimeoutUnit(java.util.concurrent.TimeUnit.SECONDS)
                    .setTracingPolicy(TracingPolicy.ALWAYS);
            config.tls().ifPresent(tls -> options.setSsl(true).setKeyCertOptions(new PemKeyCertOptions()
                    .setCertPath(tls.certificate().toString()).setKeyPath(tls.key().toString())));
            server = vertx.createHttpServer(options)
                    .connectionHandler(new ConnectionCap(config.maxConnections()))
                    .requestHandler(RouteTable.router(vertx, config, models, inference, platformVersion, registry, uploads,
                            queues))
                    .listen()
                    .await();
        } catch (Exception e) { // await() rethrows a failed bind as it came: checked (an unknown host) or not
            throw closing(models, payloads, vertx, new IllegalStateException("cannot listen on " + config.host() + ":"
                    + config.port() + ": " + e.getMessage(), e));
        }
        Optional<GrpcEndpoint> grpc = Optional.empty();
        if (config.grpcPort() >= 0) {
            try {
                grpc = Optional.of(GrpcEndpoint.start(config, models, inference, platformVersion, registry));
            } catch (UncheckedIOException e) { // the gRPC port's failure, said as it is
                server.close().await();
                throw closing(models, payloads, vertx, new IllegalStateException(e.getMessage(), e.getCause()));
            }
        }
        warnWhenExposed(config);
        log.info("Listening on {}://{}:{}/{} with {} model(s){}", config.tls().isPresent() ? "https" : "http",
                config.host(), server.actualPort(),
                grpc.map(g -> " and gRPC " + config.host() + ":" + g.port()).orElse(""), models.all().size(),
                models.allReady() ? "" : " (NOT READY: a model failed to load)");
        // the launcher moves JavaCPP's resident-size check off the allocation path for serve (1.16x at batch 1)
        Optional<ResidentMemoryWatch> memoryWatch = memoryLimit.isPresent()
                ? Optional.of(ResidentMemoryWatch.start(memoryLimit.getAsLong())) : Optional.empty();
        memoryWatch.ifPresent(watch -> log.info("Resident size checked four times a second against {} ({})",
                Pointer.formatBytes(watch.limit()), ResidentMemoryWatch.LIMIT_PROPERTY));
        ResidentMemoryMeters.bind(registry, memoryWatch);
        return new PredictionServer(vertx, server, grpc, models, payloads, tracing, memoryWatch);
    }

    /** Stops what a failed start began; returns {@code failure}, the reason to throw. */
    private static <E extends RuntimeException> E closing(ModelRepository models, PayloadLog payloads, Vertx vertx,
            E failure) {
        models.close();
        payloads.close();
        vertx.close();
        return failure;
    }

    /**
     * A review queue per {@code NAME=DIR}, each with its own copy of the model (its queue runs it beside the model's
     * serving thread).
     *
     * @throws IllegalArgumentException for a name that no ready model is served under, or a folder that cannot be read
     */
    private static Map<String, ReviewQueue> reviewQueues(Map<String, Path> reviews, ModelRepository models,
            ServerConfig config, PluginClasses classes) {
        Map<String, ReviewQueue> queues = new HashMap<>();
        reviews.forEach((asked, folder) -> {
            // "" is the only model served
            if (asked.isEmpty() && models.all().size() != 1) {
                throw new IllegalArgumentException("--review " + folder + ": " + models.all().size() + " models are "
                        + "served; say which one with --review NAME=DIR");
            }
            String name = asked.isEmpty() ? models.all().get(0).name() : asked;
            ServedModel model = models.get(name).filter(ServedModel::isReady).orElseThrow(() ->
                    new IllegalArgumentException("--review " + name + "=" + folder + ": no model is served as '"
                            + name + "'" + models.get(name).map(m -> " (it failed to load: " + m.reason() + ")")
                            .orElse("")));
            Predictor predictor = Predictor.load(model.source().runDir(), classes)
                    .withFlipAveraging(config.flipAveraging());
            try {
                queues.put(name, ReviewQueue.open(folder, predictor, new ImagePreprocessor(config.maxImagePixels()),
                        Clock.systemUTC()));
            } catch (UncheckedIOException e) {
                throw new IllegalArgumentException("--review " + name + "=" + folder + ": " + e.getMessage(), e);
            }
        });
        return queues;
    }

    public int port() {
        return server.actualPort();
    }

    /** The gRPC service's port, if it was asked for ({@code server.grpc-port}). */
    public Optional<Integer> grpcPort() {
        return grpc.map(GrpcEndpoint::port);
    }

    public ModelRepository models() {
        return models;
    }

    /** Stops accepting connections and calls, lets those in flight finish (up to 10 s each), then stops the models. */
    @Override
    public void close() {
        memoryWatch.ifPresent(ResidentMemoryWatch::close);
        try {
            grpc.ifPresent(GrpcEndpoint::close);
            server.shutdown(10, TimeUnit.SECONDS).await();
        } finally {
            models.close();
            payloads.close();
            vertx.close().await();
            tracing.close();
        }
        log.info("Server stopped");
    }
}
