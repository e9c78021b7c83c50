package dev.fmnist.server;

import java.net.URI;
import java.nio.file.Path;
import dev.fmnist.server.payload.PayloadLogSettings;
import java.util.Optional;

/**
 * Settings of the prediction server (keys {@code server.*}).
 *
 * @param maxBodyBytes   request bodies larger than this get 413 before they are read
 * @param maxImagePixels images with more pixels get 413, checked from the header before decoding
 * @param maxBatchSize   the most images one forward pass takes; a request with more gets 400
 * @param batchWaitMillis how long the worker waits for more requests to join a batch; 0 (the default): it takes
 *                        those already waiting, and requests arriving during a pass form the next batch
 * @param queueCapacity  queued requests per model before new ones get 503
 * @param timeoutMillis  a request not answered by then gets 503
 * @param batching       join concurrent requests into one forward pass
 * @param apiKey         when set, every route but health and the page needs {@code Authorization: Bearer KEY}
 * @param flipAveraging  answer with each image's probabilities averaged with its mirror image's
 * @param grpcPort       the port of the Open Inference Protocol's gRPC service: -1 none (the default), 0 a free one
 * @param tls            the certificate chain and private key (PEM files) to serve HTTPS and gRPC over TLS with
 * @param maxConnections HTTP connections open at once; one more is closed as soon as it is accepted
 * @param payloadLog     the sampled log of answered requests ({@code server.payload-log.*}); off by default
 * @param otlpEndpoint   the OTLP/HTTP collector request traces are sent to ({@code server.tracing.otlp-endpoint});
 *                       empty: no tracing
 */
public record ServerConfig(String host, int port, long maxBodyBytes, long maxImagePixels, int maxBatchSize,
        long batchWaitMillis, int queueCapacity, long timeoutMillis, boolean batching, Optional<String> apiKey,
        boolean flipAveraging, int grpcPort, Optional<Tls> tls, int maxConnections, PayloadLogSettings payloadLog,
        Optional<URI> otlpEndpoint) {

    /** The settings without tracing. */
    public ServerConfig(String host, int port, long maxBodyBytes, long maxImagePixels, int maxBatchSize,
            long batchWaitMillis, int queueCapacity, long timeoutMillis, boolean batching, Optional<String> apiKey,
            boolean flipAveraging, int grpcPort, Optional<Tls> tls, int maxConnections,
            PayloadLogSettings payloadLog) {
        this(host, port, maxBodyBytes, maxImagePixels, maxBatchSize, batchWaitMillis, queueCapacity, timeoutMillis,
                batching, apiKey, flipAveraging, grpcPort, tls, maxConnections, payloadLog, Optional.empty());
    }

    /** The default of {@code server.max-connections}. */
    public static final int DEFAULT_MAX_CONNECTIONS = 1024;

    /** The settings without a payload log. */
    public ServerConfig(String host, int port, long maxBodyBytes, long maxImagePixels, int maxBatchSize,
            long batchWaitMillis, int queueCapacity, long timeoutMillis, boolean batching, Optional<String> apiKey,
            boolean flipAveraging, int grpcPort, Optional<Tls> tls, int maxConnections) {
        this(host, port, maxBodyBytes, maxImagePixels, maxBatchSize, batchWaitMillis, queueCapacity, timeoutMillis,
                batching, apiKey, flipAveraging, grpcPort, tls, maxConnections, PayloadLogSettings.OFF);
    }

    /** The settings with the default connection cap. */
    public ServerConfig(String host, int port, long maxBodyBytes, long maxImagePixels, int maxBatchSize,
            long batchWaitMillis, int queueCapacity, long timeoutMillis, boolean batching, Optional<String> apiKey,
            boolean flipAveraging, int grpcPort, Optional<Tls> tls) {
        this(host, port, maxBodyBytes, maxImagePixels, maxBatchSize, batchWaitMillis, queueCapacity, timeoutMillis,
                batching, apiKey, flipAveraging, grpcPort, tls, DEFAULT_MAX_CONNECTIONS);
    }

    /** A certificate chain and its private key, PEM files (the key in PKCS#8: "BEGIN PRIVATE KEY"). */
    public record Tls(Path certificate, Path key) {}

    /** The settings without TLS. */
    public ServerConfig(String host, int port, long maxBodyBytes, long maxImagePixels, int maxBatchSize,
            long batchWaitMillis, int queueCapacity, long timeoutMillis, boolean batching, Optional<String> apiKey,
            boolean flipAveraging, int grpcPort) {
        this(host, port, maxBodyBytes, maxImagePixels, maxBatchSize, batchWaitMillis, queueCapacity, timeoutMillis,
                batching, apiKey, flipAveraging, grpcPort, Optional.empty());
    }

    /** The settings without a gRPC service. */
    public ServerConfig(String host, int port, long maxBodyBytes, long maxImagePixels, int maxBatchSize,
            long batchWaitMillis, int queueCapacity, long timeoutMillis, boolean batching, Optional<String> apiKey,
            boolean flipAveraging) {
        this(host, port, maxBodyBytes, maxImagePixels, maxBatchSize, batchWaitMillis, queueCapacity, timeoutMillis,
                batching, apiKey, flipAveraging, -1);
    }

    public static ServerConfig defaults() {
        return new ServerConfig("127.0.0.1", 8080, 8L * 1024 * 1024, 40_000_000L, 64, 0, 256, 10_000, true,
                Optional.empty(), false);
    }

    public ServerConfig withPort(int value) {
        return new ServerConfig(host, value, maxBodyBytes, maxImagePixels, maxBatchSize, batchWaitMillis,
                queueCapacity, timeoutMillis, batching, apiKey, flipAveraging, grpcPort, tls, maxConnections,
                payloadLog, otlpEndpoint);
    }

    public ServerConfig withApiKey(String value) {
        return new ServerConfig(host, port, maxBodyBytes, maxImagePixels, maxBatchSize, batchWaitMillis,
                queueCapacity, timeoutMillis, batching, Optional.ofNullable(value), flipAveraging, grpcPort, tls,
                maxConnections, payloadLog, otlpEndpoint);
    }

    public ServerConfig withLimits(long bodyBytes, long imagePixels, int batchSize, int queue, long timeout) {
        return new ServerConfig(host, port, bodyBytes, imagePixels, batchSize, batchWaitMillis, queue, timeout,
                batching, apiKey, flipAveraging, grpcPort, tls, maxConnections,
                payloadLog, otlpEndpoint);
    }

    public ServerConfig withFlipAveraging(boolean value) {
        return new ServerConfig(host, port, maxBodyBytes, maxImagePixels, maxBatchSize, batchWaitMillis, queueCapacity,
                timeoutMillis, batching, apiKey, value, grpcPort, tls, maxConnections,
                payloadLog, otlpEndpoint);
    }

    public ServerConfig withBatching(boolean value) {
        return new ServerConfig(host, port, maxBodyBytes, maxImagePixels, maxBatchSize, batchWaitMillis, queueCapacity,
                timeoutMillis, value, apiKey, flipAveraging, grpcPort, tls, maxConnections,
                payloadLog, otlpEndpoint);
    }

    public ServerConfig withTls(Tls value) {
        return new ServerConfig(host, port, maxBodyBytes, maxImagePixels, maxBatchSize, batchWaitMillis, queueCapacity,
                timeoutMillis, batching, apiKey, flipAveraging, grpcPort, Optional.of(value),
                maxConnections, payloadLog, otlpEndpoint);
    }

    public ServerConfig withMaxConnections(int value) {
        return new ServerConfig(host, port, maxBodyBytes, maxImagePixels, maxBatchSize, batchWaitMillis, queueCapacity,
                timeoutMillis, batching, apiKey, flipAveraging, grpcPort, tls, value, payloadLog, otlpEndpoint);
    }

    public ServerConfig withGrpcPort(int value) {
        return new ServerConfig(host, port, maxBodyBytes, maxImagePixels, maxBatchSize, batchWaitMillis, queueCapacity,
                timeoutMillis, batching, apiKey, flipAveraging, value, tls, maxConnections, payloadLog, otlpEndpoint);
    }

    public ServerConfig withPayloadLog(PayloadLogSettings value) {
        return new ServerConfig(host, port, maxBodyBytes, maxImagePixels, maxBatchSize, batchWaitMillis, queueCapacity,
                timeoutMillis, batching, apiKey, flipAveraging, grpcPort, tls, maxConnections, value, otlpEndpoint);
    }

    public ServerConfig withOtlpEndpoint(URI value) {
        return new ServerConfig(host, port, maxBodyBytes, maxImagePixels, maxBatchSize, batchWaitMillis, queueCapacity,
                timeoutMillis, batching, apiKey, flipAveraging, grpcPort, tls, maxConnections, payloadLog,
                Optional.ofNullable(value));
    }
}
