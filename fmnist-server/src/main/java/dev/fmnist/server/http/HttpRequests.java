package dev.fmnist.server.http;

import dev.fmnist.server.inference.Inference;
import dev.fmnist.server.inference.ServingError;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import java.util.Optional;

/** What the routes read from a request the same way: the model it names, its JSON body, its parameters. */
final class HttpRequests {

    private HttpRequests() {}

    /** A request's key for a model's traffic split: the same key always reaches the same version. */
    static final String ROUTE_KEY = "X-Route-Key";
    /** A client's id for a request, kept in the payload log (an inference request's own {@code id} wins). */
    static final String REQUEST_ID = "X-Request-Id";
    /** A request's own timeout in milliseconds, under the server's ({@code server.timeout-ms}). */
    static final String TIMEOUT = "X-Timeout-Ms";

    /** When the request must have its answer: the server's timeout, or the request's own when it is sooner. */
    static long deadline(RoutingContext ctx, Inference inference) {
        return inference.deadline(Optional.ofNullable(ctx.request().getHeader(TIMEOUT)));
    }

    /**
     * The model the path names ({@code :name}, and {@code :version} when the URL has one), ready and counted in
     * until the response ends, so that an unload lets the request finish.
     */
    static Inference.Admission admit(RoutingContext ctx, Inference inference) {
        Inference.Admission admission = inference.admit(ctx.pathParam("name"), ctx.pathParam("version"),
                Optional.ofNullable(ctx.request().getHeader(ROUTE_KEY)).filter(key -> !key.isEmpty()));
        ctx.addEndHandler(ended -> admission.leave());
        return admission;
    }

    /**
     * The body as a JSON object; no body (and no Content-Type) is an empty object. A form's body (a multipart
     * one is parsed away before this) is refused, not taken for an empty request.
     */
    static JsonObject jsonBody(RoutingContext ctx) {
        Buffer body = ctx.body().buffer();
        boolean empty = body == null || body.length() == 0;
        if (empty && ctx.request().getHeader("Content-Type") == null) {
            return new JsonObject();
        }
        requireJson(ctx);
        if (empty) {
            return new JsonObject();
        }
        try {
            return body.toJsonObject();
        } catch (RuntimeException e) {
            throw ServingError.invalid("the request body must be a JSON object: " + e.getMessage());
        }
    }

    /**
     * JSON only as JSON: a browser sends {@code text/plain} across sites without asking the server first, so a page
     * the user visits must not be able to post "JSON" that way.
     */
    static void requireJson(RoutingContext ctx) {
        if (!isJson(contentType(ctx))) {
            throw ServingError.unsupportedMediaType("send the JSON as application/json, not '" + contentType(ctx)
                    + "'");
        }
    }

    static boolean isJson(String type) {
        return type.equals("application/json") || type.startsWith("application/") && type.endsWith("+json");
    }

    /** The media type of the body, lower case without parameters; "none" without a Content-Type. */
    static String contentType(RoutingContext ctx) {
        String header = ctx.request().getHeader("Content-Type");
        if (header == null) {
            return "none";
        }
        return header.split(";")[0].trim().toLowerCase(Locale.ROOT);
    }

    /** A whole-number query parameter from {@code min} to {@code max}, {@code fallback} when absent. */
    static int intParameter(RoutingContext ctx, String name, int fallback, int min, int max) {
        String value = ctx.queryParams().get(name);
        if (value == null) {
            return fallback;
        }
        try {
            int parsed = Integer.parseInt(value);
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw ServingError.invalid("'" + name + "' must be a whole number from " + min + " to " + max + ", got '"
                + value + "'");
    }
}
