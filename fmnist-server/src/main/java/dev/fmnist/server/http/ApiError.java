package dev.fmnist.server.http;

/** A request that fails with an HTTP status and the protocol's {@code {"error": "..."}} body. */
public final class ApiError extends RuntimeException {

    private final int status;
    private final String retryAfterSeconds;

    public ApiError(int status, String message) {
        this(status, message, null);
    }

    public ApiError(int status, String message, String retryAfterSeconds) {
        super(message, null, false, false);
        this.status = status;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public int status() {
        return status;
    }

    /** The Retry-After header value of a 503, or null. */
    public String retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
