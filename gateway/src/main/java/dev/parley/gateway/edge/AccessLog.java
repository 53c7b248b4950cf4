package dev.parley.gateway.edge;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.parley.gateway.WebSocketUpgrade;
import dev.parley.gateway.security.CallerId;
import dev.parley.gateway.security.QueryToken;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

/**
 * One log line and one timer sample per request: method, path (query secrets removed), status,
 * latency, user and request id; for a WebSocket upgrade also a connect or rejection line. Metrics
 * are tagged by route family, never by raw path, so the number of series stays fixed.
 */
@ApplicationScoped
public class AccessLog {

    /** RoutingContext key: the route family a request was matched to (auth, user, chat, ws). */
    public static final String ROUTE = "parley.route";
    static final String OTHER = "other";
    private static final String LOGGED = "parley.logged";
    /** Upgrade headers elsewhere are not a socket (REST routes forward such a request as plain HTTP). */
    private static final String WEBSOCKET_PATH = "/ws";

    private static final Logger LOG = Logger.getLogger("dev.parley.gateway.access");
    /** Connects and rejections here, disconnects in the tunnel: one line each, never a frame's content. */
    public static final Logger WEBSOCKET_LOG = Logger.getLogger("dev.parley.gateway.websocket");

    private final MeterRegistry registry;

    public AccessLog(MeterRegistry registry) {
        this.registry = registry;
    }

    void record(RoutingContext ctx, long startNanos, String requestId) {
        if (ctx.get(LOGGED) != null) {
            return; // once per request, however it ended
        }
        ctx.put(LOGGED, Boolean.TRUE);
        long nanos = System.nanoTime() - startNanos;
        String route = ctx.get(ROUTE, OTHER);
        int status = ctx.response().getStatusCode();
        Timer.builder("parley.gateway.requests")
                .description("Requests through the gateway, by route family and status")
                .tag("route", route)
                .tag("status", Integer.toString(status))
                .serviceLevelObjectives(Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
                        Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofSeconds(1))
                .register(registry)
                .record(nanos, TimeUnit.NANOSECONDS);
        String user = Objects.requireNonNullElse(CallerId.of(ctx), "-");
        LOG.infof("%s %s %d %dms user=%s rid=%s", ctx.request().method(), loggablePath(ctx), status,
                TimeUnit.NANOSECONDS.toMillis(nanos), user, requestId);
        if (WebSocketUpgrade.requested(ctx.request()) && WEBSOCKET_PATH.equals(ctx.request().path())) {
            String origin = ctx.request().getHeader(HttpHeaders.ORIGIN);
            if (status == 101) {
                WEBSOCKET_LOG.infof("websocket opened user=%s origin=%s rid=%s", user, origin, requestId);
            } else {
                WEBSOCKET_LOG.infof("websocket rejected user=%s origin=%s reason=%d rid=%s", user, origin, status, requestId);
            }
        }
    }

    /** The path and the query without {@code access_token}; a token never reaches a log. */
    static String loggablePath(RoutingContext ctx) {
        String query = QueryToken.strip(ctx.request().query());
        return query == null ? ctx.request().path() : ctx.request().path() + "?" + query;
    }
}
