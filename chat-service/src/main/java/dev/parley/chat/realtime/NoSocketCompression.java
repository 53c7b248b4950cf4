package dev.parley.chat.realtime;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.vertx.http.HttpServerOptionsCustomizer;
import io.vertx.core.http.HttpServerOptions;

/**
 * No WebSocket compression of any kind (security review M7: the inflater has no allocation limit,
 * so one 64 KiB frame could inflate to tens of MiB). websockets-next turns permessage-deflate off
 * with {@code quarkus.websockets-next.server.per-message-compression-supported=false}, but leaves
 * Vert.x's per-frame compression ({@code deflate-frame}, {@code x-webkit-deflate-frame}) on, and
 * has no key for it: both are turned off here.
 */
@ApplicationScoped
public class NoSocketCompression implements HttpServerOptionsCustomizer {

    @Override
    public void customizeHttpServer(HttpServerOptions options) {
        off(options);
    }

    @Override
    public void customizeHttpsServer(HttpServerOptions options) {
        off(options);
    }

    private static void off(HttpServerOptions options) {
        options.setPerFrameWebSocketCompressionSupported(false);
        options.setPerMessageWebSocketCompressionSupported(false);
    }
}
