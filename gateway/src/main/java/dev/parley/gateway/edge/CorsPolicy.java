package dev.parley.gateway.edge;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import dev.parley.gateway.GatewayConfig;
import io.quarkus.runtime.Startup;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;

/**
 * Which browser origins may use the API, and the CORS headers that say so.
 *
 * <p>Written here rather than using Quarkus' CORS filter because that filter answers every
 * request from an unlisted origin with an empty 403; we want unlisted origins to get a
 * {@code forbidden_origin} problem on preflight and on WebSocket upgrades, and otherwise simply
 * no CORS headers (the browser then withholds the response). Credentials are allowed, so the
 * allowed origin is echoed, never {@code *}.
 */
@Startup // a wildcard origin stops the gateway from starting
@ApplicationScoped
public class CorsPolicy {

    static final String ALLOWED_METHODS = "GET, POST, PUT, PATCH, DELETE";
    static final String ALLOWED_HEADERS = "Authorization, Content-Type, Accept, X-Request-Id, X-Parley-Client";
    static final String EXPOSED_HEADERS = "X-Request-Id, Retry-After, WWW-Authenticate, Location";
    static final String MAX_AGE_SECONDS = "600";

    private final Set<String> allowed;

    public CorsPolicy(GatewayConfig config) {
        List<String> origins = config.cors().origins().orElse(List.of());
        if (origins.stream().anyMatch(o -> o.contains("*"))) {
            throw new IllegalArgumentException("parley.gateway.cors.origins must list origins; a wildcard is not"
                    + " allowed together with credentials");
        }
        this.allowed = origins.stream().map(CorsPolicy::normalize).collect(Collectors.toUnmodifiableSet());
    }

    /** Listed, or the gateway's own origin (the web client it serves). */
    public boolean allows(String origin, HttpServerRequest request) {
        String normalized = normalize(origin);
        return allowed.contains(normalized) || normalized.equals(normalize(request.scheme() + "://" + request.authority()));
    }

    static boolean isPreflight(HttpServerRequest request) {
        return request.method() == HttpMethod.OPTIONS && request.headers().contains(HttpHeaders.ORIGIN)
                && request.headers().contains(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD);
    }

    /** Response headers for an origin; none at all for an origin that is not allowed. */
    static void decorate(MultiMap headers, String origin, boolean allowedOrigin, boolean preflight) {
        headers.add(HttpHeaders.VARY, "Origin");
        if (!allowedOrigin) {
            return;
        }
        headers.set(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        headers.set(HttpHeaders.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
        if (preflight) {
            headers.set(HttpHeaders.ACCESS_CONTROL_ALLOW_METHODS, ALLOWED_METHODS);
            headers.set(HttpHeaders.ACCESS_CONTROL_ALLOW_HEADERS, ALLOWED_HEADERS);
            headers.set(HttpHeaders.ACCESS_CONTROL_MAX_AGE, MAX_AGE_SECONDS);
        } else {
            headers.set(HttpHeaders.ACCESS_CONTROL_EXPOSE_HEADERS, EXPOSED_HEADERS);
        }
    }

    /** scheme://host[:port], lower case, default ports dropped; anything unparsable matches nothing. */
    private static String normalize(String origin) {
        try {
            URI uri = URI.create(origin.trim());
            if (uri.getScheme() == null || uri.getHost() == null) {
                return "invalid:" + origin;
            }
            String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
            int port = uri.getPort();
            boolean defaultPort = port == -1 || (scheme.equals("http") && port == 80) || (scheme.equals("https") && port == 443);
            return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
        } catch (IllegalArgumentException e) {
            return "invalid:" + origin;
        }
    }
}
