package dev.parley.gateway.routing;

import java.util.EnumMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.parley.gateway.GatewayConfig;
import dev.parley.gateway.GatewayProblems;
import dev.parley.support.problem.Problem;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.httpproxy.Body;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyInterceptor;
import io.vertx.httpproxy.ProxyResponse;

/**
 * Each route's request-body limit is its service's own ({@code parley.gateway.max-body-size.*},
 * which mirror the services' {@code quarkus.http.limits.max-body-size}), capped by the gateway's
 * ({@code quarkus.http.limits.max-body-size}, which the edge enforces on declared lengths before
 * authentication). A body the service would refuse is refused here: were it forwarded, the service
 * would answer 413 early and reset the stream while the gateway was still sending, and on a reused
 * connection that surfaced as 503 {@code upstream_unavailable} instead of 413 (issue 15).
 *
 * <p>A declared {@code Content-Length} over the limit is answered at once, unread; a body of
 * unknown length (chunked, or HTTP/2 without a length) is read up to the limit and refused as soon
 * as it passes it. A bare 413 a service still sends (Quarkus' own, should a service's limit be
 * lowered without the gateway's) reaches the client as the same {@code payload_too_large} problem;
 * a 413 that is already a problem (chat-service's {@code content_too_large}) passes untouched.
 */
@ApplicationScoped
public class BodyLimits {

    private final Map<Upstream, Long> limits = new EnumMap<>(Upstream.class);
    private final Map<Upstream, BodyHandler> readers = new EnumMap<>(Upstream.class);
    private final GatewayProblems problems;

    public BodyLimits(GatewayConfig config, GatewayProblems problems,
            @ConfigProperty(name = "quarkus.http.limits.max-body-size", defaultValue = "10240K") MemorySize gatewayLimit) {
        this.problems = problems;
        for (Upstream upstream : Upstream.values()) {
            long limit = Math.min(upstream.maxBodySize(config.maxBodySize()).asLongValue(), gatewayLimit.asLongValue());
            limits.put(upstream, limit);
            readers.put(upstream, BodyHandler.create(false).setBodyLimit(limit));
        }
    }

    /** The largest body a request to this upstream may carry. */
    public long of(Upstream upstream) {
        return limits.get(upstream);
    }

    void register(@Observes Router router) {
        for (Upstream upstream : Upstream.values()) {
            router.route(upstream.prefix + "/*").order(RouteConstants.ROUTE_ORDER_BEFORE_DEFAULT - 1)
                    .handler(ctx -> check(ctx, upstream));
        }
        router.route(WebSocketTunnel.PATH).order(RouteConstants.ROUTE_ORDER_BEFORE_DEFAULT - 1)
                .handler(ctx -> check(ctx, Upstream.CHAT));
    }

    private void check(RoutingContext ctx, Upstream upstream) {
        HttpServerRequest request = ctx.request();
        long limit = limits.get(upstream);
        ctx.put(GatewayProblems.BODY_LIMIT, limit); // what a 413 from the body reader says
        long declared = declaredLength(request);
        if (declared > limit) {
            if (request.version() != HttpVersion.HTTP_2) {
                ctx.response().putHeader(HttpHeaders.CONNECTION, "close"); // the unread body must not be taken for a request
            }
            problems.send(ctx, GatewayProblems.payloadTooLarge(limit));
        } else if (declared < 0 && hasBody(request)) {
            readers.get(upstream).handle(ctx); // over the limit: fails the request with 413
        } else {
            ctx.next();
        }
    }

    /** Makes a 413 from the service that is not a problem the gateway's {@code payload_too_large} problem. */
    ProxyInterceptor relayedRefusals(Upstream upstream) {
        return new ProxyInterceptor() {
            @Override
            public Future<Void> handleProxyResponse(ProxyContext pc) {
                ProxyResponse response = pc.response();
                String type = response.headers().get(HttpHeaders.CONTENT_TYPE);
                if (response.getStatusCode() == 413 && (type == null || !type.startsWith(Problem.MEDIA_TYPE))) {
                    Problem problem = GatewayProblems.payloadTooLarge(limits.get(upstream));
                    response.release() // drains the service's own body
                            .setStatusCode(413)
                            .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                            .setBody(Body.body(problems.body(problem)));
                }
                return pc.sendResponse();
            }
        };
    }

    private static boolean hasBody(HttpServerRequest request) {
        return request.version() == HttpVersion.HTTP_2
                ? !request.isEnded()
                : "chunked".equalsIgnoreCase(request.getHeader(HttpHeaders.TRANSFER_ENCODING));
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
