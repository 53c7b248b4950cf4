package dev.parley.gateway.edge;

import io.vertx.core.http.HttpServerRequest;

/** Who the client is, as far as the network tells us, and how upstreams learn it. */
public final class ClientAddress {

    private ClientAddress() {
    }

    /**
     * The peer address. Behind a load balancer enable {@code quarkus.http.proxy.proxy-address-forwarding}
     * (with {@code trusted-proxies}) so that this is the client's own address.
     */
    public static String of(HttpServerRequest request) {
        return request.remoteAddress() == null ? "unknown" : request.remoteAddress().hostAddress();
    }

    /** Sets the forwarding headers upstreams read; whatever the client claimed there is replaced. */
    public static void forward(HttpServerRequest request) {
        request.headers().set("X-Forwarded-For", of(request));
        request.headers().set("X-Forwarded-Proto", request.scheme());
        request.headers().remove("Forwarded");
    }
}
