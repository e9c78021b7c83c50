package dev.fmnist.server.inference;

import dev.fmnist.image.ImageInputException;
import dev.fmnist.server.RepositoryException;
import dev.fmnist.server.batch.QueueFullException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

/**
 * A request that fails, as a kind both protocols map (HTTP statuses in {@code http.HttpErrors}, gRPC codes in
 * {@code grpc.GrpcStatuses}) and a sentence saying what was wrong. {@link #of} is the one place where the
 * failures of the parts below (images, the batcher, the repository) become kinds.
 */
public final class ServingError extends RuntimeException {

    /** What went wrong, in the words of neither protocol. */
    public enum Kind {
        /** The request is malformed or its values are out of range: HTTP 400, gRPC INVALID_ARGUMENT. */
        INVALID_INPUT,
        /** The body is not of a type the route reads: HTTP 415, gRPC INVALID_ARGUMENT. */
        UNSUPPORTED_MEDIA_TYPE,
        /** No API key, or not the server's: HTTP 401, gRPC UNAUTHENTICATED. */
        UNAUTHENTICATED,
        /** Refused whoever asks (a foreign Host or Origin): HTTP 403, gRPC PERMISSION_DENIED. */
        PERMISSION_DENIED,
        /** No such model, version, item or route: HTTP 404, gRPC NOT_FOUND. */
        NOT_FOUND,
        /** At odds with what was done before (an item another reviewer decided): HTTP 409, gRPC ABORTED. */
        CONFLICT,
        /** Not now (loading, unloading, a full queue): HTTP 503 with Retry-After, gRPC UNAVAILABLE. */
        UNAVAILABLE,
        /** The model did not answer in time: HTTP 503 with Retry-After, gRPC DEADLINE_EXCEEDED. */
        DEADLINE_EXCEEDED,
        /** More than the server takes (an image's pixels, a body): HTTP 413, gRPC RESOURCE_EXHAUSTED. */
        TOO_LARGE,
        /** A fault of the server's; the log has the details, the client a fixed sentence: HTTP 500, gRPC INTERNAL. */
        INTERNAL
    }

    private static final String INTERNAL_MESSAGE = "internal error; the server log has the details";

    private final Kind kind;
    private final Integer retryAfterSeconds;

    private ServingError(Kind kind, String message, Integer retryAfterSeconds, Throwable cause) {
        super(message, cause, false, false);
        this.kind = kind;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public static ServingError invalid(String message) {
        return new ServingError(Kind.INVALID_INPUT, message, null, null);
    }

    public static ServingError unsupportedMediaType(String message) {
        return new ServingError(Kind.UNSUPPORTED_MEDIA_TYPE, message, null, null);
    }

    public static ServingError unauthenticated(String message) {
        return new ServingError(Kind.UNAUTHENTICATED, message, null, null);
    }

    public static ServingError permissionDenied(String message) {
        return new ServingError(Kind.PERMISSION_DENIED, message, null, null);
    }

    public static ServingError conflict(String message) {
        return new ServingError(Kind.CONFLICT, message, null, null);
    }

    public static ServingError notFound(String message) {
        return new ServingError(Kind.NOT_FOUND, message, null, null);
    }

    /** @param retryAfterSeconds when a client should try again */
    public static ServingError unavailable(String message, int retryAfterSeconds) {
        return new ServingError(Kind.UNAVAILABLE, message, retryAfterSeconds, null);
    }

    public static ServingError deadlineExceeded(String message) {
        return new ServingError(Kind.DEADLINE_EXCEEDED, message, 1, null);
    }

    public static ServingError tooLarge(String message) {
        return new ServingError(Kind.TOO_LARGE, message, null, null);
    }

    public Kind kind() {
        return kind;
    }

    /** Seconds a client should wait before trying again, for the kinds that pass; null otherwise. */
    public Integer retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /**
     * Any failure of a request as a serving error: itself, or what the parts below throw (unwrapped from a
     * {@link CompletionException}), or INTERNAL with a fixed sentence and the failure as the cause, for the caller
     * to log. A timeout is the model's: decoding timeouts are turned into errors where they happen.
     *
     * @param timeoutMillis the request timeout, named in a timeout's sentence
     */
    public static ServingError of(Throwable failure, long timeoutMillis) {
        Throwable cause = failure;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof ServingError error) {
            return error;
        }
        if (cause instanceof QueueFullException) {
            return unavailable(cause.getMessage(), 1);
        }
        if (cause instanceof TimeoutException) {
            return deadlineExceeded("the model did not answer in time: within the request's own timeout, or the "
                    + "server's " + timeoutMillis + " ms; try again shortly");
        }
        if (cause instanceof RepositoryException repository) {
            return repository.unknown() ? notFound(repository.getMessage()) : invalid(repository.getMessage());
        }
        if (cause instanceof ImageInputException image) {
            return switch (image.reason()) {
                case TOO_LARGE -> tooLarge(image.getMessage());
                case NOT_AN_IMAGE -> unsupportedMediaType(image.getMessage());
                case TIMED_OUT -> unavailable(image.getMessage(), 1);
                case CORRUPT -> invalid(image.getMessage());
            };
        }
        return new ServingError(Kind.INTERNAL, INTERNAL_MESSAGE, null, cause);
    }
}
