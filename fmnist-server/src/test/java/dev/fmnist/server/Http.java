package dev.fmnist.server;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** A real HTTP client against a server on loopback. */
final class Http {

    record Response(int status, String body, java.net.http.HttpHeaders headers) {
        JsonObject json() {
            return new JsonObject(body);
        }
    }

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1).build();
    private final String base;
    private String apiKey;

    Http(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    Http withKey(String key) {
        this.apiKey = key;
        return this;
    }

    Response get(String path) {
        return send(builder(path).GET().build());
    }

    /** A response whose body is bytes: JSON followed by binary data, or an image. */
    record RawResponse(int status, byte[] body, java.net.http.HttpHeaders headers) {}

    /** A POST with the given headers (name, value, name, value...), answered as bytes. */
    RawResponse postRaw(String path, byte[] body, String... headers) {
        HttpRequest.Builder request = builder(path).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        try {
            HttpResponse<byte[]> response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new RawResponse(response.statusCode(), response.body(), response.headers());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The body as bytes, for images; the status first. */
    byte[] getBytes(String path, int expectedStatus) {
        try {
            HttpResponse<byte[]> response = client.send(builder(path).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != expectedStatus) {
                throw new AssertionError(path + ": HTTP " + response.statusCode() + ", expected " + expectedStatus);
            }
            return response.body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    Response post(String path, String contentType, byte[] body) {
        return send(builder(path).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }

    /** A POST with the given headers (name, value, name, value...). */
    Response post(String path, String contentType, byte[] body, String... headers) {
        return send(withHeaders(builder(path).header("Content-Type", contentType), headers)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }

    /** {@link #post(String, String, byte[], String...)} without waiting for the answer. */
    CompletableFuture<Response> postAsync(String path, String contentType, byte[] body, String... headers) {
        HttpRequest request = withHeaders(builder(path).header("Content-Type", contentType), headers)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        return client.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                .thenApply(r -> new Response(r.statusCode(), r.body(), r.headers()));
    }

    private static HttpRequest.Builder withHeaders(HttpRequest.Builder builder, String... headers) {
        for (int i = 0; i < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        return builder;
    }

    Response postJson(String path, JsonObject body) {
        return post(path, "application/json", body.encode().getBytes());
    }

    CompletableFuture<Response> postJsonAsync(String path, JsonObject body) {
        HttpRequest request = builder(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.encode())).build();
        return client.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                .thenApply(r -> new Response(r.statusCode(), r.body(), r.headers()));
    }

    private HttpRequest.Builder builder(String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
        if (apiKey != null) {
            builder.header("Authorization", "Bearer " + apiKey);
        }
        return builder;
    }

    private Response send(HttpRequest request) {
        try {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.body(), response.headers());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
