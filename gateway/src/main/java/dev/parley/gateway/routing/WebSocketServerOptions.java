package dev.parley.gateway.routing;

import jakarta.enterprise.context.ApplicationScoped;

import dev.parley.gateway.GatewayConfig;
import io.quarkus.vertx.http.HttpServerOptionsCustomizer;
import io.vertx.core.http.HttpServerOptions;

/**
 * What the gateway's HTTP server accepts on a WebSocket (Quarkus has no property for compression,
 * hence a customizer; the frame limit is set here too, so one key says it).
 *
 * <p><b>No compression</b> (review M7): no permessage-deflate or per-frame deflate is negotiated with
 * a client, and the tunnel offers none to chat-service. Parley's frames are small JSON, so
 * deflate saves little and costs CPU per frame on every hop; and an inflater is where a 64 KiB
 * frame becomes megabytes (a compression bomb), since the size limits apply to the wire frame.
 * A client that sets RSV1 anyway breaks the protocol and is closed with 1002.
 *
 * <p><b>Frame limit</b>: {@code parley.gateway.websocket.max-message-size}. Netty reads a frame's
 * length before its payload and refuses a longer one without buffering it; the tunnel closes that
 * client with 1009. A message split over continuation frames is counted by the tunnel itself.
 */
@ApplicationScoped
public class WebSocketServerOptions implements HttpServerOptionsCustomizer {

    private final int maxMessageBytes;

    public WebSocketServerOptions(GatewayConfig config) {
        this.maxMessageBytes = (int) Math.min(Integer.MAX_VALUE, config.websocket().maxMessageSize().asLongValue());
    }

    @Override
    public void customizeHttpServer(HttpServerOptions options) {
        apply(options);
    }

    @Override
    public void customizeHttpsServer(HttpServerOptions options) {
        apply(options);
    }

    private void apply(HttpServerOptions options) {
        options.setPerMessageWebSocketCompressionSupported(false)
                .setPerFrameWebSocketCompressionSupported(false)
                .setMaxWebSocketFrameSize(maxMessageBytes)
                .setMaxWebSocketMessageSize(maxMessageBytes);
    }
}
