package dev.parley.gateway.edge;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.MDC;

import dev.parley.gateway.GatewayProblems;
import dev.parley.gateway.WebSocketUpgrade;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

/**
 * The first thing every request meets, before authentication: request id, security and CORS
 * headers on whatever response follows, who the client is, the access log, CORS preflights and the
 * body-size limit.
 */
@ApplicationScoped
public class EdgeFilter {

    /** Quarkus filters run in descending priority; authentication is 200 and authorization 100. */
    static final int PRIORITY = 1000;
    /** RoutingContext key: what a response head gets from the edge, kept for {@link #beforeHandshake}. */
    private static final String HEAD = "parley.edge.head";

    private final CorsPolicy cors;
    private final AccessLog accessLog;
    private final GatewayProblems problems;
    private final TrustedProxies proxies;
    private final long maxBodyBytes;

    public EdgeFilter(CorsPolicy cors, AccessLog accessLog, GatewayProblems problems, TrustedProxies proxies,
            @ConfigProperty(name = "quarkus.http.limits.max-body-size", defaultValue = "10240K") MemorySize maxBodySize) {
        this.cors = cors;
        this.accessLog = accessLog;
        this.problems = problems;
        this.proxies = proxies;
        this.maxBodyBytes = maxBodySize.asLongValue();
    }

    void register(@Observes Filters filters) {
        filters.register(this::handle, PRIORITY);
    }

    void handle(RoutingContext ctx) {
        long start = System.nanoTime();
        HttpServerRequest request = ctx.request();

        String requestId = RequestIds.accept(request.getHeader(RequestIds.HEADER));
        request.headers().set(RequestIds.HEADER, requestId); // what the upstream receives
        MDC.put(RequestIds.MDC_KEY, requestId);
        ctx.put(ClientAddress.KEY, proxies.clientOf(request)); // once, before anything keys a budget by it

        String origin = request.getHeader(HttpHeaders.ORIGIN);
        boolean originAllowed = origin != null && cors.allows(origin, request);
        boolean preflight = CorsPolicy.isPreflight(request);
        Handler<Void> head = v -> {
            MultiMap headers = ctx.response().headers();
            SecurityHeaders.apply(headers);
            if (ctx.get(AccessLog.ROUTE) == null && SecurityHeaders.isPage(request, ctx.response().getStatusCode(), headers)) {
                SecurityHeaders.applyToPage(headers, request); // the web client, served from this jar
            }
            headers.set(RequestIds.HEADER, requestId);
            if (origin != null) {
                CorsPolicy.decorate(headers, origin, originAllowed, preflight);
            }
            if (ctx.response().getStatusCode() == 101) {
                accessLog.record(ctx, start, requestId); // an upgraded response never "ends"
            }
        };
        ctx.put(HEAD, head);
        ctx.addHeadersEndHandler(head);
        ctx.addEndHandler(ignored -> accessLog.record(ctx, start, requestId));

        if (preflight) {
            if (originAllowed) {
                ctx.response().setStatusCode(204).end();
            } else {
                problems.send(ctx, GatewayProblems.forbiddenOrigin());
            }
            return;
        }
        if (origin != null && !originAllowed && WebSocketUpgrade.requested(request)) {
            // browsers do not apply CORS to WebSockets: the handshake's Origin is the only guard
            problems.send(ctx, GatewayProblems.forbiddenOrigin());
            return;
        }
        if (declaredLength(request) > maxBodyBytes) {
            ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
            problems.send(ctx, GatewayProblems.payloadTooLarge(maxBodyBytes));
            return;
        }
        ctx.next();
    }

    /**
     * Gives a WebSocket handshake (101) the headers every response gets, and logs it. Netty writes
     * that response itself from {@code response().headers()}, so Vert.x never signals its head.
     */
    public static void beforeHandshake(RoutingContext ctx) {
        ctx.response().setStatusCode(101);
        Handler<Void> head = ctx.get(HEAD);
        if (head != null) {
            head.handle(null);
        }
    }

    private static long declaredLength(HttpServerRequest request) {
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length == null) {
            return -1;
        }
        try {
            return Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            return -1; // the HTTP codec has already refused malformed lengths
        }
    }
}
