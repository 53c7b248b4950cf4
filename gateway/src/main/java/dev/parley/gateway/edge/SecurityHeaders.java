package dev.parley.gateway.edge;

import java.util.regex.Pattern;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;

/**
 * Headers every response leaves with, whoever produced it (the gateway, an upstream, an error
 * path). Set last, just before the head is written, so an upstream cannot weaken them.
 */
final class SecurityHeaders {

    /** An API serves no documents: nothing may load, nothing may frame it. */
    static final String API_POLICY = "default-src 'none'; frame-ancestors 'none'";
    /**
     * The web client's page: its own scripts, styles and images only (no inline script, no eval),
     * API calls and the WebSocket to this origin only, never framed.
     */
    static final String PAGE_POLICY = "default-src 'self'; connect-src 'self'%s; object-src 'none'; base-uri 'none';"
            + " form-action 'self'; frame-ancestors 'none'";

    /** host, host:port or [v6]:port: what may be put into a policy as a source. */
    private static final Pattern AUTHORITY = Pattern.compile("(\\[[0-9A-Fa-f:.]+]|[A-Za-z0-9.-]+)(:[0-9]{1,5})?");

    private SecurityHeaders() {
    }

    static void apply(MultiMap headers) {
        // what software answered is nobody's business
        headers.remove("Server");
        headers.remove("X-Powered-By");
        headers.set("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
        headers.set("X-Content-Type-Options", "nosniff");
        headers.set("X-Frame-Options", "DENY");
        headers.set("Referrer-Policy", "no-referrer");
        headers.set("Content-Security-Policy", API_POLICY);
        headers.set("Cross-Origin-Resource-Policy", "same-origin");
    }

    /**
     * The web client's page (an HTML document the gateway served itself, never a proxied one) gets
     * the page policy, and is revalidated on every load so it never names bundles a deploy removed.
     */
    static void applyToPage(MultiMap headers, HttpServerRequest request) {
        headers.set("Content-Security-Policy", String.format(PAGE_POLICY, webSocketSource(request)));
        headers.set(HttpHeaders.CACHE_CONTROL, "no-cache");
    }

    /**
     * An HTML document; or the 304 that revalidates one (or a HEAD of one), which carries no
     * content type, but whose headers the browser merges into the cached page: the API's policy
     * there would break the page on its next load.
     */
    static boolean isPage(HttpServerRequest request, int status, MultiMap headers) {
        String type = headers.get(HttpHeaders.CONTENT_TYPE);
        if (type != null) {
            return type.regionMatches(true, 0, "text/html", 0, "text/html".length());
        }
        String path = request.path();
        boolean document = path.endsWith("/") || path.endsWith(".html");
        return document && (status == 304 || request.method() == HttpMethod.HEAD && status == 200);
    }

    /**
     * This origin's WebSocket ({@code ws://host:port}, {@code wss://} under https). CSP 3 lets
     * {@code 'self'} cover it already; browsers that predate that need it spelled out.
     */
    private static String webSocketSource(HttpServerRequest request) {
        String authority = request.authority() == null ? null : request.authority().toString();
        if (authority == null || !AUTHORITY.matcher(authority).matches()) {
            return "";
        }
        return " " + ("https".equals(request.scheme()) ? "wss://" : "ws://") + authority;
    }
}
