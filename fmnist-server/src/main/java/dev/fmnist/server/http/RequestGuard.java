package dev.fmnist.server.http;

import dev.fmnist.server.ServerConfig;
import dev.fmnist.server.inference.ServingError;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.RoutingContext;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * What every request passes before a route sees it:
 * <ul>
 *   <li>the API key, on every route but the open ones ({@link #OPEN_PATHS}: health and the demo and review pages' files), so a
 *       route added later is protected by default. It is decided on the path the router matches (Vert.x's
 *       normalized path: dot segments removed, percent-encoded letters decoded), so {@code //metrics} or
 *       {@code /v2/./models/m} meet the same rule as the path they reach;</li>
 *   <li>against DNS rebinding (a hostile page whose name resolves to 127.0.0.1), a {@code Host} that names this
 *       server when it listens on a loopback address: a loopback name, or the address it was told to bind;</li>
 *   <li>against cross-site requests from a page the user visits, a request other than GET or HEAD whose
 *       {@code Origin} names another host than the one asked for (browsers send it on every such request; other
 *       clients do not). The scheme is not compared: behind a TLS-terminating proxy that passes the Host through,
 *       the page's origin is https while the server speaks http.</li>
 * </ul>
 */
final class RequestGuard implements Handler<RoutingContext> {

    /** Paths anyone may GET: health, and the demo page (which asks for the key itself). */
    static final Set<String> OPEN_PATHS = Set.of("/v2/health/live", "/v2/health/ready", "/", "/index.html", "/app.js",
            "/style.css", "/review.html", "/review.js");

    private final Optional<byte[]> expected;
    private final boolean loopback;
    private final Set<String> hostNames;

    RequestGuard(ServerConfig config) {
        this.expected = config.apiKey().map(key -> ("Bearer " + key).getBytes(StandardCharsets.UTF_8));
        this.loopback = isLoopback(config.host());
        String bound = config.host().toLowerCase(Locale.ROOT);
        // the bound address as a Host names it: an IPv6 one in brackets
        String asHost = bound.contains(":") && !bound.startsWith("[") ? "[" + bound + "]" : bound;
        this.hostNames = Set.copyOf(java.util.List.of("localhost", "127.0.0.1", "::1", "[::1]", bound, asHost));
    }

    @Override
    public void handle(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        HostAndPort authority = request.authority();
        if (loopback && authority != null && !hostNames.contains(authority.host().toLowerCase(Locale.ROOT))) {
            ctx.fail(ServingError.permissionDenied("Host '" + authority + "' does not name this server, which listens on loopback "
                    + "only; ask for it as 127.0.0.1 or localhost"));
            return;
        }
        boolean safe = request.method() == HttpMethod.GET || request.method() == HttpMethod.HEAD;
        String origin = request.getHeader("Origin");
        if (!safe && origin != null && !sameHost(origin, authority)) {
            ctx.fail(ServingError.permissionDenied("cross-site request refused: Origin " + origin + " is not this server's"));
            return;
        }
        if (expected.isEmpty() || safe && OPEN_PATHS.contains(ctx.normalizedPath())) {
            ctx.next();
            return;
        }
        String header = request.getHeader("Authorization");
        if (header != null && MessageDigest.isEqual(header.getBytes(StandardCharsets.UTF_8), expected.get())) {
            ctx.next();
        } else {
            ctx.response().putHeader("WWW-Authenticate", "Bearer");
            ctx.fail(ServingError.unauthenticated(header == null ? "this server needs an API key: Authorization: Bearer KEY"
                    : "the API key is not valid"));
        }
    }

    /** Whether an {@code Origin} ({@code scheme://host[:port]}) names the host (and port) the client asked for. */
    private static boolean sameHost(String origin, HostAndPort authority) {
        int scheme = origin.indexOf("://");
        return authority != null && scheme > 0
                && origin.substring(scheme + 3).equalsIgnoreCase(authority.toString());
    }

    private static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
