package dev.parley.gateway.routing;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.impl.HttpServerRequestInternal;
import io.vertx.core.http.impl.HttpServerRequestWrapper;

/** The incoming request as the proxy should see it, where that differs from what arrived. */
final class RequestViews {

    private RequestViews() {
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
