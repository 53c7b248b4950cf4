package dev.parley.gateway.routing;

import java.util.concurrent.atomic.AtomicBoolean;

import dev.parley.gateway.security.QueryToken;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.impl.HttpServerRequestInternal;
import io.vertx.core.http.impl.HttpServerRequestWrapper;
import io.vertx.core.net.NetSocket;

/** The incoming request as the proxy should see it, where that differs from what arrived. */
final class RequestViews {

    private RequestViews() {
    }

    /**
     * A WebSocket upgrade without the {@code access_token} query parameter (the token check has
     * moved it into the Authorization header), so the token does not end up in chat-service's
     * access log; {@code onClose} runs when the client's side of the tunnel closes.
     */
    static HttpServerRequest webSocketUpgrade(HttpServerRequest request, Runnable onClose) {
        return new HttpServerRequestWrapper((HttpServerRequestInternal) request) {
            @Override
            public Future<NetSocket> toNetSocket() {
                // the proxy owns the tunnel's handlers; the end of the client's stream is ours to watch
                AtomicBoolean closed = new AtomicBoolean();
                return delegate.toNetSocket().onSuccess(socket -> socket.endHandler(v -> {
                    if (closed.compareAndSet(false, true)) {
                        onClose.run();
                    }
                }));
            }

            @Override
            public String uri() {
                String query = query();
                return query == null ? path() : path() + "?" + query;
            }

            @Override
            public String query() {
                return QueryToken.strip(delegate.query());
            }
        };
    }

    /**
     * A request whose body the gateway has already read (to bound a body of unknown length), or
     * whose stream had ended without one (an HTTP/2 GET); the proxy gets the body, if any,
     * separately, and must not pause or read the finished stream.
     */
    static HttpServerRequest bodyAlreadyRead(HttpServerRequest request) {
        return new HttpServerRequestWrapper((HttpServerRequestInternal) request) {
            @Override
            public HttpServerRequest pause() {
                return this;
            }

            @Override
            public HttpServerRequest resume() {
                return this;
            }

            @Override
            public HttpServerRequest fetch(long amount) {
                return this;
            }

            @Override
            public HttpServerRequest handler(Handler<Buffer> handler) {
                return this;
            }

            @Override
            public HttpServerRequest endHandler(Handler<Void> handler) {
                return this;
            }
        };
    }
}
