package dev.fmnist.server.grpc;

import dev.fmnist.server.inference.ServingError;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/** The gRPC codes of the serving error kinds: the gRPC side of the one error mapping ({@link ServingError#of}). */
public final class GrpcStatuses {

    private GrpcStatuses() {}

    public static Status.Code code(ServingError.Kind kind) {
        return switch (kind) {
            case INVALID_INPUT, UNSUPPORTED_MEDIA_TYPE -> Status.Code.INVALID_ARGUMENT;
            case UNAUTHENTICATED -> Status.Code.UNAUTHENTICATED;
            case PERMISSION_DENIED -> Status.Code.PERMISSION_DENIED;
            case NOT_FOUND -> Status.Code.NOT_FOUND;
            case CONFLICT -> Status.Code.ABORTED;
            case UNAVAILABLE -> Status.Code.UNAVAILABLE;
            case DEADLINE_EXCEEDED -> Status.Code.DEADLINE_EXCEEDED;
            case TOO_LARGE -> Status.Code.RESOURCE_EXHAUSTED;
            case INTERNAL -> Status.Code.INTERNAL;
        };
    }

    static StatusRuntimeException of(ServingError error) {
        return Status.fromCode(code(error.kind())).withDescription(error.getMessage()).asRuntimeException();
    }
}
