package dev.parley.gateway.routing;

import java.util.List;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.parley.gateway.GatewayProblems;
import dev.parley.gateway.edge.AccessLog;
import dev.parley.gateway.edge.ClientAddress;
import dev.parley.gateway.ratelimit.RateLimiter;
import dev.parley.gateway.security.CallerId;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.ext.web.RoutingContext;
import io.vertx.httpproxy.HttpProxy;

/**
 * {@code /ws}: the WebSocket upgrade, checked like any protected request (token, origin, rate
 * limit), then tunnelled to a chat-service instance by vertx-http-proxy, which relays frames both
 * ways untouched (close frames and their codes included) and closes each side when the other
 * closes.
 *
 * <p>The connection to chat-service is opened first, through the instance's circuit breaker, so
 * an unreachable chat-service is a 503 problem rather than the proxy's bare 502.
 */
@ApplicationScoped
public class WebSocketTunnel {

    static final String PATH = "/ws";
    static final String ROUTE = "ws";

    private static final Logger LOG = Logger.getLogger(WebSocketTunnel.class);

    private final UpstreamInstances instances;
    private final RateLimiter limiter;
    private final GatewayProblems problems;

    public WebSocketTunnel(UpstreamInstances instances, RateLimiter limiter, GatewayProblems problems) {
        this.instances = instances;
        this.limiter = limiter;
        this.problems = problems;
    }

    void open(RoutingContext ctx) {
        ctx.put(AccessLog.ROUTE, ROUTE);
        if (!limiter.admit(ctx)) {
            return;
        }
        String user = CallerId.of(ctx);
        ClientAddress.forward(ctx.request());
        connect(instances.rotation(Upstream.CHAT), 0).onComplete(connected -> {
            if (connected.failed()) {
                LOG.warnf("%s unavailable for a websocket: %s", Upstream.CHAT.service, connected.cause().toString());
                problems.send(ctx, GatewayProblems.upstreamUnavailable(Upstream.CHAT.service));
                return;
            }
            long opened = System.nanoTime();
            Runnable closed = () -> AccessLog.WEBSOCKET_LOG.infof("websocket closed user=%s after %ds", user,
                    TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - opened));
            HttpProxy.reverseProxy(instances.tunnelClient())
                    .origin(pc -> Future.succeededFuture(connected.result()))
                    .handle(RequestViews.webSocketUpgrade(ctx.request(), closed));
        });
    }

    /** A connection to the first chat-service instance that takes one; nothing has been sent on it yet. */
    private Future<HttpClientRequest> connect(List<UpstreamInstances.Instance> turn, int index) {
        UpstreamInstances.Instance instance = turn.get(index);
        return instance.<HttpClientRequest> call(() -> instances.tunnelClient().request(instances.options(instance)))
                .recover(failure -> index + 1 < turn.size() ? connect(turn, index + 1) : Future.failedFuture(failure));
    }
}
