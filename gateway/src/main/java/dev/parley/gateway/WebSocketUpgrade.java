package dev.parley.gateway;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;

/**
 * Whether a request asks to become a WebSocket. Here, beside the configuration and the problem
 * bodies, because the edge (origin guard, access log), the token check and routing all ask it,
 * and none of them should depend on another for that.
 */
public final class WebSocketUpgrade {

    private WebSocketUpgrade() {
    }

    public static boolean requested(HttpServerRequest request) {
        String upgrade = request.getHeader(HttpHeaders.UPGRADE);
        return upgrade != null && upgrade.equalsIgnoreCase("websocket");
    }
}
