package dev.fmnist.server.tracing;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.net.URI;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The server's tracer: off (no span is built), or an OpenTelemetry SDK whose spans go to an
 * OTLP endpoint ({@code server.tracing.otlp-endpoint}) or to an exporter a test holds. Contexts travel as W3C
 * {@code traceparent}.
 */
public final class Tracing implements AutoCloseable {

    private static final String SCOPE = "dev.fmnist.server";

    private final OpenTelemetry openTelemetry;
    private final Optional<SdkTracerProvider> provider;
    private final Tracer tracer;

    private Tracing(OpenTelemetry openTelemetry, Optional<SdkTracerProvider> provider) {
        this.openTelemetry = openTelemetry;
        this.provider = provider;
        this.tracer = openTelemetry.getTracer(SCOPE);
    }

    public static Tracing off() {
        return new Tracing(OpenTelemetry.noop(), Optional.empty());
    }

    /**
     * Spans batched to an OTLP/HTTP collector: {@code http://localhost:4318} (its /v1/traces is added), or the
     * traces URL itself ({@code .../v1/traces}).
     */
    public static Tracing otlp(URI endpoint) {
        String base = endpoint.toString().replaceFirst("/+$", "");
        String traces = base.endsWith("/v1/traces") ? base : base + "/v1/traces";
        return with(BatchSpanProcessor.builder(OtlpHttpSpanExporter.builder().setEndpoint(traces).build()).build());
    }

    /** Every span handed to {@code exporter} as it ends (a test's in-memory exporter). */
    public static Tracing exportingTo(SpanExporter exporter) {
        return with(SimpleSpanProcessor.create(exporter));
    }

    private static Tracing with(SpanProcessor processor) {
        SdkTracerProvider provider = SdkTracerProvider.builder().addSpanProcessor(processor)
                .setResource(Resource.getDefault().merge(Resource.create(Attributes.of(
                        io.opentelemetry.api.common.AttributeKey.stringKey("service.name"), "fmnist"))))
                .build();
        OpenTelemetrySdk sdk = OpenTelemetrySdk.builder().setTracerProvider(provider)
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance())).build();
        return new Tracing(sdk, Optional.of(provider));
    }

    public boolean enabled() {
        return provider.isPresent();
    }

    public OpenTelemetry openTelemetry() {
        return openTelemetry;
    }

    /** A request's own span (a gRPC call's; Vert.x makes those of HTTP requests), under the caller's context. */
    public Span server(String name, Context parent) {
        return tracer.spanBuilder(name).setSpanKind(SpanKind.SERVER).setParent(parent).startSpan();
    }

    /** The caller's context from a carrier of headers: W3C {@code traceparent} and {@code tracestate}. */
    public <C> Context extract(C carrier, TextMapGetter<C> getter) {
        return openTelemetry.getPropagators().getTextMapPropagator().extract(Context.root(), carrier, getter);
    }

    /** A span of one stage of a request, under {@code parent}, starting now. */
    public Span stage(String name, Context parent) {
        return enabled() ? tracer.spanBuilder(name).setParent(parent).startSpan() : Span.getInvalid();
    }

    /** What to add to a {@link System#nanoTime} reading to make it nanoseconds since the epoch, as of now. */
    public static long epochOffset() {
        // the clock read between two nanoTime readings, taken at their midpoint: a thread preempted in between
        // would shift every span made with it, so a wide pair is read again
        long offset = 0;
        for (int attempt = 0; attempt < 5; attempt++) {
            long before = System.nanoTime();
            java.time.Instant now = java.time.Instant.now();
            long after = System.nanoTime();
            offset = now.getEpochSecond() * 1_000_000_000L + now.getNano() - (before + (after - before) / 2);
            if (after - before < 20_000) {
                break;
            }
        }
        return offset;
    }

    /**
     * A span of a stage that has happened, from {@code startNanos} to {@code endNanos} of {@link System#nanoTime};
     * stages made with one {@code epochOffset} meet exactly where one ends and the next starts.
     */
    public Span stage(String name, Context parent, long startNanos, long endNanos, Attributes attributes,
            long epochOffset) {
        if (!enabled()) {
            return Span.getInvalid();
        }
        Span span = tracer.spanBuilder(name).setParent(parent).setAllAttributes(attributes)
                .setStartTimestamp(startNanos + epochOffset, TimeUnit.NANOSECONDS).startSpan();
        span.end(endNanos + epochOffset, TimeUnit.NANOSECONDS);
        return span;
    }

    /** Sends what is buffered (up to 5 s), then stops. */
    @Override
    public void close() {
        provider.ifPresent(p -> p.shutdown().join(5, TimeUnit.SECONDS));
    }
}
