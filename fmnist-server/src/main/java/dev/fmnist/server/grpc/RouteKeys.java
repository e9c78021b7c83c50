package dev.fmnist.server.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.util.Optional;

/**
 * A call's {@code x-route-key} metadata, the REST header {@code X-Route-Key}'s twin: the key of a model's traffic
 * split, kept in the call's context for the service to read.
 */
final class RouteKeys implements ServerInterceptor {

    static final Metadata.Key<String> METADATA = Metadata.Key.of("x-route-key", Metadata.ASCII_STRING_MARSHALLER);
    private static final Context.Key<String> KEY = Context.key("fmnist-route-key");

    /** The route key of the call being served, if it has one. */
    static Optional<String> current() {
        return Optional.ofNullable(KEY.get());
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        String key = headers.get(METADATA);
        return key == null || key.isEmpty() ? next.startCall(call, headers)
                : Contexts.interceptCall(Context.current().withValue(KEY, key), call, headers, next);
    }
}
