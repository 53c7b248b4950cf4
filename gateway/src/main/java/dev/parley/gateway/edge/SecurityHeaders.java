package dev.parley.gateway.edge;

import io.vertx.core.MultiMap;

/**
 * Headers every response leaves with, whoever produced it (the gateway, an upstream, an error
 * path). Set last, just before the head is written, so an upstream cannot weaken them.
 */
final class SecurityHeaders {

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
        // an API serves no documents; the web client's static files will need their own policy
        headers.set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
        headers.set("Cross-Origin-Resource-Policy", "same-origin");
    }
}
