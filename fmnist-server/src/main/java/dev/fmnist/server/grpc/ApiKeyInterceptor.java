package dev.fmnist.server.grpc;

import dev.fmnist.server.inference.ServingError;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.Set;

/**
 * {@code server.api-key} for gRPC: every call but the health ones needs the metadata {@code authorization: Bearer
 * KEY}, as every REST route but health needs the header.
 */
final class ApiKeyInterceptor implements ServerInterceptor {

    static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization",
            Metadata.ASCII_STRING_MARSHALLER);
    private static final Set<String> OPEN = Set.of("ServerLive", "ServerReady");

    private final Optional<byte[]> expected;

    ApiKeyInterceptor(Optional<String> apiKey) {
        this.expected = apiKey.map(key -> ("Bearer " + key).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        if (expected.isEmpty() || OPEN.contains(call.getMethodDescriptor().getBareMethodName())) {
            return next.startCall(call, headers);
        }
        String given = headers.get(AUTHORIZATION);
        if (given != null && MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), expected.get())) {
            return next.startCall(call, headers);
        }
        call.close(Status.fromCode(GrpcStatuses.code(ServingError.Kind.UNAUTHENTICATED)).withDescription(given == null
                ? "this server needs an API key: metadata 'authorization: Bearer KEY'" : "the API key is not valid"),
                new Metadata());
        return new ServerCall.Listener<>() {};
    }
}
