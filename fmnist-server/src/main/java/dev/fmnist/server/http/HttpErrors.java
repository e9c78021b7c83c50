package dev.fmnist.server.http;

import dev.fmnist.server.ServerConfig;
import dev.fmnist.server.inference.ServingError;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every failed request's answer: the HTTP side of the one error mapping ({@link ServingError#of}), as the
 * protocol's {@code {"error": "..."}} with the kind's status (and Retry-After when trying again can help); a
 * fault of the server's is logged and answered with a fixed sentence.
 */
public final class HttpErrors implements Handler<RoutingContext> {

    private static final Logger log = LoggerFactory.getLogger(HttpErrors.class);

    private final ServerConfig config;

    HttpErrors(ServerConfig config) {
        this.config = config;
    }

    /** The HTTP status of a serving error kind. */
    public static int status(ServingError.Kind kind) {
        return switch (kind) {
            case INVALID_INPUT -> 400;
            case UNAUTHENTICATED -> 401;
            case PERMISSION_DENIED -> 403;
            case NOT_FOUND -> 404;
            case CONFLICT -> 409;
            case TOO_LARGE -> 413;
            case UNSUPPORTED_MEDIA_TYPE -> 415;
            case UNAVAILABLE, DEADLINE_EXCEEDED -> 503;
            case INTERNAL -> 500;
        };
    }

    @Override
    public void handle(RoutingContext ctx) {
        boolean answeredByVertx = ctx.failure() == null && ctx.statusCode() >= 400 && ctx.statusCode() < 500;
        ServingError error = answeredByVertx ? ofStatus(ctx) : ServingError.of(ctx.failure() == null
                ? new IllegalStateException("HTTP " + ctx.statusCode() + " without a failure") : ctx.failure(),
                config.timeoutMillis());
        if (error.kind() == ServingError.Kind.INTERNAL) {
            log.error("Request {} {} failed", ctx.request().method(), ctx.request().path(), error.getCause());
        }
        if (ctx.response().ended()) {
            return;
        }
        if (error.retryAfterSeconds() != null) {
            ctx.response().putHeader("Retry-After", error.retryAfterSeconds().toString());
        }
        ctx.response().setStatusCode(answeredByVertx ? ctx.statusCode() : status(error.kind())).putHeader("Content-Type", "application/json")
                .end(new JsonObject().put("error", error.getMessage()).encode());
    }

    /**
     * A client error Vert.x Web itself found (a body over the limit, a method a route does not take), said in a
     * sentence; its status is kept.
     */
    private ServingError ofStatus(RoutingContext ctx) {
        int status = ctx.statusCode();
        if (status == 413) {
            return ServingError.tooLarge("the request body exceeds the limit of " + config.maxBodyBytes() + " bytes");
        }
        return ServingError.invalid(status == 405 ? "method " + ctx.request().method() + " is not allowed on "
                + ctx.request().path() : "the request cannot be served (HTTP " + status + ")");
    }
}
