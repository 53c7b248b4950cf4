package dev.parley.gateway.routing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.parley.gateway.GatewayConfig;
import dev.parley.gateway.GatewayProblems;
import dev.parley.gateway.edge.AccessLog;
import dev.parley.gateway.edge.ClientAddress;
import dev.parley.gateway.edge.EdgeFilter;
import dev.parley.gateway.ratelimit.RateLimiter;
import dev.parley.gateway.ratelimit.SocketQuota;
import dev.parley.gateway.security.CallerId;
import dev.parley.gateway.security.QueryToken;
import dev.parley.support.problem.Problem;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code /ws}: the WebSocket upgrade, checked like any protected request (token, origin, rate
 * limit), then a socket cap per user; then a WebSocket to a chat-service instance is opened
 * (through the instance's circuit breaker, the instances in turn) and only once chat-service has
 * accepted it is the client's upgrade accepted. The two are then joined by a {@link Tunnel}.
 *
 * <p>Refusals before the client's upgrade are problem bodies: 429 {@code too_many_sockets}, 503
 * {@code upstream_unavailable} when no instance can be reached, and chat-service's own refusal
 * (its problem body as it is, or its status as a problem).
 *
 * <p>Only what chat-service needs crosses (review L4): the URI without {@code access_token},
 * {@code Authorization}, {@code X-Request-Id}, {@code X-Forwarded-For}/{@code -Proto}, the
 * client's {@code Origin} and its offered subprotocols. Never {@code Cookie}, never
 * {@code Sec-WebSocket-Extensions} (no compression, see {@link WebSocketServerOptions}).
 */
@ApplicationScoped
public class WebSocketTunnel {

    static final String PATH = "/ws";
    static final String ROUTE = "ws";
    /** Copied from the client's upgrade to chat-service's; Vert.x writes the handshake's own headers. */
    private static final List<String> FORWARDED = List.of(HttpHeaders.AUTHORIZATION.toString(), "X-Request-Id",
            "X-Forwarded-For", "X-Forwarded-Proto", HttpHeaders.ORIGIN.toString());

    private static final String SEC_WEBSOCKET_PROTOCOL = "Sec-WebSocket-Protocol";

    private static final Logger LOG = Logger.getLogger(WebSocketTunnel.class);

    private final UpstreamInstances instances;
    private final RateLimiter limiter;
    private final SocketQuota quota;
    private final GatewayProblems problems;
    private final long maxMessageBytes;
    private final int writeQueueMaxBytes;

    public WebSocketTunnel(UpstreamInstances instances, RateLimiter limiter, SocketQuota quota, GatewayProblems problems,
            GatewayConfig config) {
        this.instances = instances;
        this.limiter = limiter;
        this.quota = quota;
        this.problems = problems;
        this.maxMessageBytes = config.websocket().maxMessageSize().asLongValue();
        this.writeQueueMaxBytes = (int) Math.min(Integer.MAX_VALUE, config.websocket().writeQueueMaxSize().asLongValue());
    }

    void open(RoutingContext ctx) {
        ctx.put(AccessLog.ROUTE, ROUTE);
        limiter.admit(ctx, () -> openAdmitted(ctx));
    }

    private void openAdmitted(RoutingContext ctx) {
        String user = CallerId.of(ctx);
        SocketQuota.Slot slot = quota.take(user);
        if (slot == null) {
            AccessLog.WEBSOCKET_LOG.debugf("user=%s holds %d sockets already", user, quota.max());
            problems.send(ctx, GatewayProblems.tooManySockets(quota.max()));
            return;
        }
        HttpServerRequest request = ctx.request();
        ClientAddress.forward(ctx);
        WebSocketConnectOptions upgrade = upgradeFor(request);
        connect(instances.rotation(Upstream.CHAT), 0, upgrade).onComplete(connected -> {
            if (connected.failed()) {
                slot.giveBack();
                LOG.warnf("%s unavailable for a websocket: %s", Upstream.CHAT.service, connected.cause().toString());
                problems.send(ctx, GatewayProblems.upstreamUnavailable(Upstream.CHAT.service));
            } else if (connected.result() instanceof Refused refused) {
                slot.giveBack();
                refuse(ctx, refused);
            } else {
                accept(ctx, ((Accepted) connected.result()).socket(), user, slot);
            }
        });
    }

    private void accept(RoutingContext ctx, WebSocket upstream, String user, SocketQuota.Slot slot) {
        if (upstream.subProtocol() != null) {
            ctx.response().headers().set(SEC_WEBSOCKET_PROTOCOL, upstream.subProtocol());
        }
        EdgeFilter.beforeHandshake(ctx);
        long opened = System.nanoTime();
        ctx.request().toWebSocket().onComplete(upgraded -> {
            if (upgraded.failed()) {
                slot.giveBack();
                upstream.close(Tunnel.CLIENT_GONE, Tunnel.CLIENT_GONE_REASON);
                LOG.debugf("client upgrade failed after chat-service accepted: %s", upgraded.cause().toString());
                return;
            }
            Tunnel.join(upgraded.result(), ctx.request().connection(), upstream, maxMessageBytes, writeQueueMaxBytes, ending -> {
                slot.giveBack();
                AccessLog.WEBSOCKET_LOG.infof("websocket closed user=%s code=%d by=%s after %ds", user, ending.code(),
                        ending.endedBy(), TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - opened));
            });
        });
    }

    /** chat-service's refusal: its own problem body as it is, otherwise its status said as a problem. */
    private void refuse(RoutingContext ctx, Refused refused) {
        String type = refused.headers() == null ? null : refused.headers().get(HttpHeaders.CONTENT_TYPE);
        Buffer body = refused.body();
        int status = refused.status();
        if (type != null && type.startsWith(Problem.MEDIA_TYPE) && body != null && body.length() > 0
                && status >= 400 && status < 500) {
            if (status == 401) {
                ctx.response().putHeader("WWW-Authenticate", "Bearer");
            }
            ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, type).end(body);
            return;
        }
        problems.send(ctx, GatewayProblems.upgradeRefused(status, Upstream.CHAT.service));
    }

    /** chat-service's upgrade: the client's URI without the token, and only the headers it needs. */
    private static WebSocketConnectOptions upgradeFor(HttpServerRequest request) {
        String query = QueryToken.strip(request.query());
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        for (String name : FORWARDED) {
            String value = request.getHeader(name);
            if (value != null) {
                headers.set(name, value);
            }
        }
        WebSocketConnectOptions options = new WebSocketConnectOptions()
                .setURI(query == null ? request.path() : request.path() + "?" + query)
                .setHeaders(headers)
                // Vert.x would otherwise make one up; chat-service checks the client's, if any
                .setAllowOriginHeader(headers.contains(HttpHeaders.ORIGIN));
        List<String> offered = subProtocols(request.headers().getAll(SEC_WEBSOCKET_PROTOCOL));
        if (!offered.isEmpty()) {
            options.setSubProtocols(offered);
        }
        return options;
    }

    private static List<String> subProtocols(List<String> headerValues) {
        List<String> offered = new ArrayList<>();
        for (String value : headerValues) {
            for (String protocol : value.split(",")) {
                if (!protocol.isBlank()) {
                    offered.add(protocol.trim());
                }
            }
        }
        return offered;
    }

    /**
     * A WebSocket to the first chat-service instance that takes the connection. A refused upgrade
     * (or one accepted with none of the offered subprotocols) is an answer, not a failure: it does
     * not count against the breaker and is not retried elsewhere. The socket comes back paused, so no frame is lost before the tunnel is joined.
     */
    private Future<Handshake> connect(List<UpstreamInstances.Instance> turn, int index, WebSocketConnectOptions upgrade) {
        UpstreamInstances.Instance instance = turn.get(index);
        WebSocketConnectOptions options = instances.webSocketOptions(instance)
                .setURI(upgrade.getURI())
                .setHeaders(upgrade.getHeaders())
                .setAllowOriginHeader(upgrade.getAllowOriginHeader())
                .setSubProtocols(upgrade.getSubProtocols());
        return instance.<Handshake> call(() -> instances.tunnelClient().connect(options)
                .map(socket -> (Handshake) new Accepted(socket.pause()))
                .recover(failure -> {
                    if (failure instanceof UpgradeRejectedException rejected) {
                        return Future.succeededFuture(new Refused(rejected.getStatus(), rejected.getHeaders(), rejected.getBody()));
                    }
                    if (failure instanceof WebSocketClientHandshakeException) {
                        // chat-service answered 101 but not as offered (none of the client's subprotocols)
                        return Future.succeededFuture(new Refused(400, null, null));
                    }
                    return Future.failedFuture(failure);
                }))
                .recover(failure -> index + 1 < turn.size() ? connect(turn, index + 1, upgrade) : Future.failedFuture(failure));
    }

    /** How chat-service answered an upgrade. */
    private sealed interface Handshake permits Accepted, Refused {
    }

    private record Accepted(WebSocket socket) implements Handshake {
    }

    private record Refused(int status, MultiMap headers, Buffer body) implements Handshake {
    }
}
