package dev.fmnist.server.grpc;

import dev.fmnist.server.tracing.Tracing;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A span for each gRPC call, under the caller's context from its {@code traceparent} metadata, ended with the
 * call's status; the service reads it ({@link #current}) as the parent of the call's stages.
 */
final class TracingInterceptor implements ServerInterceptor {

    private static final io.grpc.Context.Key<Context> TRACE = io.grpc.Context.key("fmnist-trace");

    private static final TextMapGetter<Metadata> METADATA = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Metadata carrier) {
            return carrier.keys();
        }

        @Override
        public String get(Metadata carrier, String key) {
            return carrier == null || key.endsWith(Metadata.BINARY_HEADER_SUFFIX) ? null
                    : carrier.get(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER));
        }
    };

    private final Tracing tracing;

    TracingInterceptor(Tracing tracing) {
        this.tracing = tracing;
    }

    /** The span of the call being served; the root context when it is not traced. */
    static Context current() {
        Context trace = TRACE.get();
        return trace == null ? Context.root() : trace;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        if (!tracing.enabled()) {
            return next.startCall(call, headers);
        }
        Context parent = tracing.extract(headers, METADATA);
        Span span = tracing.server(call.getMethodDescriptor().getFullMethodName(), parent);
        span.setAttribute("rpc.system", "grpc");
        AtomicBoolean ended = new AtomicBoolean();
        ServerCall<Q, R> ending = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                if (ended.compareAndSet(false, true)) {
                    span.setAttribute("rpc.grpc.status_code", status.getCode().value());
                    if (!status.isOk()) {
                        span.setStatus(StatusCode.ERROR, status.getCode().name());
                    }
                    span.end();
                }
                super.close(status, trailers);
            }
        };
        ServerCall.Listener<Q> listener = Contexts.interceptCall(
                io.grpc.Context.current().withValue(TRACE, parent.with(span)), ending, headers, next);
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
            @Override
            public void onCancel() {
                if (ended.compareAndSet(false, true)) {
                    span.setStatus(StatusCode.ERROR, "cancelled");
                    span.end();
                }
                super.onCancel();
            }
        };
    }
}
