package dev.fmnist.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fmnist.api.data.LabelledImages;
import dev.fmnist.data.RealDataset;
import dev.fmnist.runtime.TestModels;
import dev.fmnist.runtime.plugins.PluginClasses;
import dev.fmnist.server.grpc.protocol.GRPCInferenceServiceGrpc;
import dev.fmnist.server.tracing.Tracing;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * OpenTelemetry spans of real requests, caught by an in-memory exporter: a REST and a gRPC request each get their own
 * span under the caller's traceparent, and under it one span per stage (decode, queued, forward pass with the batch
 * it ran in, encode).
 */
@Tag("dataset")
class TracingTest {

    private static final List<String> STAGES = List.of("decode", "queued", "forward pass", "encode");

    static LabelledImages test;
    static byte[] image;

    @BeforeAll
    static void data() {
        test = RealDataset.get().dataset().testImages();
        image = PredictionServerTest.png(test, 0);
    }

    private static PredictionServer start(ServerConfig config, InMemorySpanExporter exporter) {
        return PredictionServer.start(config, List.of(new ModelSource("shoes", TestModels.cnn())), Optional.empty(),
                "test", PluginClasses.platform(), Map.of(), Tracing.exportingTo(exporter));
    }

    /** The spans of one trace, once its request's own span (a SERVER span) has ended. */
    private static List<SpanData> trace(InMemorySpanExporter exporter, String traceId) throws InterruptedException {
        long until = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < until) {
            List<SpanData> spans = exporter.getFinishedSpanItems().stream()
                    .filter(s -> s.getTraceId().equals(traceId)).toList();
            if (spans.stream().anyMatch(s -> s.getKind() == SpanKind.SERVER)
                    && spans.stream().filter(s -> STAGES.contains(s.getName())).count() == STAGES.size()) {
                return spans;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no complete trace " + traceId + " in " + exporter.getFinishedSpanItems());
    }

    /** One server span, a child of the caller's span, and each stage a child of it, in order, with the batch. */
    private static void assertStagesUnderTheRequest(List<SpanData> spans, String callerSpan) {
        SpanData request = spans.stream().filter(s -> s.getKind() == SpanKind.SERVER).findFirst().orElseThrow();
        assertThat(request.getParentSpanId()).isEqualTo(callerSpan);
        List<SpanData> stages = spans.stream().filter(s -> STAGES.contains(s.getName()))
                .sorted((a, b) -> Long.compare(a.getStartEpochNanos(), b.getStartEpochNanos())).toList();
        assertThat(stages).extracting(SpanData::getName).containsExactlyElementsOf(STAGES);
        assertThat(stages).allSatisfy(stage -> {
            assertThat(stage.getParentSpanId()).isEqualTo(request.getSpanId());
            assertThat(stage.getEndEpochNanos()).isGreaterThanOrEqualTo(stage.getStartEpochNanos());
            assertThat(stage.getStartEpochNanos()).isGreaterThanOrEqualTo(request.getStartEpochNanos());
        });
        // the queue ends where the forward pass starts
        assertThat(stages.get(1).getEndEpochNanos()).isEqualTo(stages.get(2).getStartEpochNanos());
        SpanData pass = stages.get(2);
        assertThat(pass.getAttributes().get(AttributeKey.stringKey("fmnist.model"))).isEqualTo("shoes");
        assertThat(pass.getAttributes().get(AttributeKey.longKey("fmnist.batch.images"))).isPositive();
    }

    @Test
    void aRestAndAGrpcRequestEachGetTheirSpanAndOneSpanPerStage() throws Exception {
        InMemorySpanExporter exporter = InMemorySpanExporter.create();
        try (PredictionServer server = start(ServerConfig.defaults().withPort(0).withGrpcPort(0), exporter)) {
            Http http = new Http(server.port());
            String restTrace = "0af7651916cd43dd8448eb211c80319c";
            Http.Response classified = http.post("/v2/models/shoes/classify", "image/png", image,
                    "traceparent", "00-" + restTrace + "-b7ad6b7169203331-01");
            assertThat(classified.status()).isEqualTo(200);
            assertStagesUnderTheRequest(trace(exporter, restTrace), "b7ad6b7169203331");

            String grpcTrace = "4bf92f3577b34da6a3ce929d0e0e4736";
            Metadata metadata = new Metadata();
            metadata.put(Metadata.Key.of("traceparent", Metadata.ASCII_STRING_MARSHALLER),
                    "00-" + grpcTrace + "-00f067aa0ba902b7-01");
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.grpcPort().orElseThrow())
                    .usePlaintext().build();
            try {
                GRPCInferenceServiceGrpc.newBlockingStub(channel)
                        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(metadata))
                        .withDeadlineAfter(30, TimeUnit.SECONDS)
                        .modelInfer(GrpcRequests.oneImage(test, 0, "shoes", "").build());
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
            List<SpanData> grpc = trace(exporter, grpcTrace);
            assertStagesUnderTheRequest(grpc, "00f067aa0ba902b7");
            assertThat(grpc).filteredOn(s -> s.getKind() == SpanKind.SERVER).singleElement()
                    .satisfies(s -> assertThat(s.getName()).endsWith("/ModelInfer"));
        }
    }

    @Test
    void aRefusedImageEndsItsDecodeSpanAsAnError() throws Exception {
        InMemorySpanExporter exporter = InMemorySpanExporter.create();
        try (PredictionServer server = start(ServerConfig.defaults().withPort(0), exporter)) {
            String traceId = "5bf92f3577b34da6a3ce929d0e0e4736";
            Http.Response refused = new Http(server.port()).post("/v2/models/shoes/classify", "image/png",
                    "not a png".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    "traceparent", "00-" + traceId + "-00f067aa0ba902b7-01");
            assertThat(refused.status()).isEqualTo(415);
            long until = System.currentTimeMillis() + 10_000;
            List<SpanData> spans = List.of();
            while (spans.stream().noneMatch(s -> s.getKind() == SpanKind.SERVER) && System.currentTimeMillis() < until) {
                Thread.sleep(20);
                spans = exporter.getFinishedSpanItems().stream().filter(s -> s.getTraceId().equals(traceId)).toList();
            }
            assertThat(spans).filteredOn(s -> s.getName().equals("decode")).singleElement()
                    .satisfies(s -> assertThat(s.getStatus().getStatusCode())
                            .isEqualTo(io.opentelemetry.api.trace.StatusCode.ERROR));
            assertThat(spans).extracting(SpanData::getName).doesNotContain("forward pass");
        }
    }

    @Test
    void withAnOtlpEndpointTheSpansArePostedToTheCollector() throws Exception {
        // a collector on loopback: what an OpenTelemetry Collector's OTLP/HTTP receiver is sent
        List<String> received = new java.util.concurrent.CopyOnWriteArrayList<>();
        com.sun.net.httpserver.HttpServer collector = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        collector.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            received.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath() + " "
                    + exchange.getRequestHeaders().getFirst("Content-Type") + " " + body.length + " "
                    + new String(body, java.nio.charset.StandardCharsets.ISO_8859_1).contains("forward pass"));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        collector.start();
        try {
            java.net.URI endpoint = java.net.URI.create("http://127.0.0.1:" + collector.getAddress().getPort());
            try (PredictionServer server = PredictionServer.start(ServerConfig.defaults().withPort(0)
                    .withOtlpEndpoint(endpoint), List.of(new ModelSource("shoes", TestModels.cnn())), "test")) {
                assertThat(new Http(server.port()).post("/v2/models/shoes/classify", "image/png", image).status())
                        .isEqualTo(200);
            }
            // the server's close sent what its batch processor held
            assertThat(received).anySatisfy(request -> assertThat(request)
                    .startsWith("POST /v1/traces application/x-protobuf").endsWith(" true"));
        } finally {
            collector.stop(0);
        }
    }

    @Test
    void theForwardPassSpanSaysHowManyRequestsItRanWith() throws Exception {
        InMemorySpanExporter exporter = InMemorySpanExporter.create();
        ServerConfig defaults = ServerConfig.defaults();
        // a batching wait long enough for four requests sent together to meet in one pass
        ServerConfig batching = new ServerConfig(defaults.host(), 0, defaults.maxBodyBytes(), defaults.maxImagePixels(),
                64, 3_000, defaults.queueCapacity(), defaults.timeoutMillis(), true, Optional.empty(), false);
        try (PredictionServer server = start(batching, exporter)) {
            Http http = new Http(server.port());
            List<String> traces = new ArrayList<>();
            List<CompletableFuture<Http.Response>> sent = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                String traceId = "%032x".formatted(0xabc0 + i);
                traces.add(traceId);
                sent.add(http.postAsync("/v2/models/shoes/classify", "image/png", image,
                        "traceparent", "00-" + traceId + "-00000000000000a" + i + "-01"));
            }
            sent.forEach(r -> assertThat(r.join().status()).isEqualTo(200));
            for (String traceId : traces) {
                SpanData pass = trace(exporter, traceId).stream().filter(s -> s.getName().equals("forward pass"))
                        .findFirst().orElseThrow();
                assertThat(pass.getAttributes().get(AttributeKey.longKey("fmnist.batch.requests"))).isEqualTo(4);
                assertThat(pass.getAttributes().get(AttributeKey.longKey("fmnist.batch.images"))).isEqualTo(4);
            }
        }
    }
}
