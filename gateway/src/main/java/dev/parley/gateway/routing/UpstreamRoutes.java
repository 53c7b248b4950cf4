package dev.parley.gateway.routing;

import java.util.List;
import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.jboss.logging.Logger;

import dev.parley.gateway.GatewayProblems;
import dev.parley.gateway.WebSocketUpgrade;
import dev.parley.gateway.edge.AccessLog;
import dev.parley.gateway.edge.ClientAddress;
import dev.parley.gateway.ratelimit.RateLimiter;
import dev.parley.gateway.session.BrowserSession;
import dev.parley.support.problem.Problem;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.httpproxy.Body;
import io.vertx.httpproxy.HttpProxy;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyInterceptor;
import io.vertx.httpproxy.ProxyOptions;
import io.vertx.httpproxy.ProxyResponse;

/**
 * The routing table: {@code /auth/**}, {@code /user/**}, {@code /chat/**} and {@code /ws} go to
 * their service through vertx-http-proxy; nothing else is routed (so neither {@code /internal/**}
 * nor a service's own {@code /q/**} is reachable), and whatever matches no route is a 404 problem.
 *
 * <p>Runs after the edge filter and the token check, so an upstream only ever sees requests that
 * passed both. The web client's sign-in requests also pass {@link BrowserSession}, which swaps
 * the refresh token between its cookie and auth-service's JSON. Each request gets its own small
 * proxy object, so the instance it is sent to and any body read here stay with it.
 */
@ApplicationScoped
public class UpstreamRoutes {

    private static final Logger LOG = Logger.getLogger(UpstreamRoutes.class);
    private static final String INSTANCE = "parley.instance";
    private static final String CONNECTED = "parley.connected";
    private static final ProxyOptions REST_ONLY = new ProxyOptions().setSupportWebSocket(false);

    private final UpstreamInstances instances;
    private final WebSocketTunnel tunnel;
    private final RateLimiter limiter;
    private final GatewayProblems problems;
    private final BrowserSession browserSession;
    private final BodyLimits bodyLimits;

    public UpstreamRoutes(UpstreamInstances instances, WebSocketTunnel tunnel, RateLimiter limiter, GatewayProblems problems,
            BrowserSession browserSession, BodyLimits bodyLimits) {
        this.instances = instances;
        this.tunnel = tunnel;
        this.limiter = limiter;
        this.problems = problems;
        this.browserSession = browserSession;
        this.bodyLimits = bodyLimits;
    }

    void register(@Observes Router router) {
        // each route's body limit (BodyLimits) runs just before these
        for (Upstream upstream : Upstream.values()) {
            router.route(upstream.prefix + "/*").order(RouteConstants.ROUTE_ORDER_BEFORE_DEFAULT)
                    .handler(ctx -> forward(ctx, upstream, upstream.route));
        }
        router.route(WebSocketTunnel.PATH).order(RouteConstants.ROUTE_ORDER_BEFORE_DEFAULT).handler(ctx -> {
            if (WebSocketUpgrade.requested(ctx.request())) {
                tunnel.open(ctx);
            } else {
                forward(ctx, Upstream.CHAT, WebSocketTunnel.ROUTE);
            }
        });
    }

    private void forward(RoutingContext ctx, Upstream upstream, String route) {
        ctx.put(AccessLog.ROUTE, route);
        HttpServerRequest request = ctx.request();
        if (hasEncodedSeparator(request.path())) {
            // "/user/..%2Finternal" must not become "/internal" further down
            problems.send(ctx, GatewayProblems.notFound());
            return;
        }
        limiter.admit(ctx, () -> proxy(ctx, upstream));
    }

    private void proxy(RoutingContext ctx, Upstream upstream) {
        HttpServerRequest request = ctx.request();
        String uri = ctx.normalizedPath() + (request.query() == null ? "" : "?" + request.query());
        ClientAddress.forward(ctx);
        // the API is bearer-only: no service reads cookies, and the web client's refresh cookie stays here
        request.headers().remove(HttpHeaders.COOKIE);
        BrowserSession.Exchange webSession = browserSession.exchange(ctx);
        Buffer sentBody = ctx.body().available() ? ctx.body().buffer() : null;
        Buffer readBody = webSession == null ? sentBody : browserSession.requestBody(webSession, sentBody);
        // An HTTP/2 request without a body (a GET, most DELETEs) has ended by now: pausing it, as the
        // proxy does to stream a body, throws "Request has already been read" (issue 15).
        boolean nothingToStream = readBody == null && request.isEnded();
        List<UpstreamInstances.Instance> turn = instances.rotation(upstream);

        // never an upgrade here (review L1): the proxy's upgrade path skips the interceptors below, so
        // an Upgrade header on a REST route is dropped (hop-by-hop) and the request goes on as plain HTTP
        HttpProxy proxy = HttpProxy.reverseProxy(REST_ONLY, instances.client());
        proxy.origin(pc -> {
            UpstreamInstances.Instance instance = pc.get(INSTANCE, UpstreamInstances.Instance.class);
            return instances.client().request(instances.options(instance)).onSuccess(r -> pc.set(CONNECTED, Boolean.TRUE));
        });
        proxy.addInterceptor(new ProxyInterceptor() {
            @Override
            public Future<ProxyResponse> handleProxyRequest(ProxyContext pc) {
                pc.request().setURI(uri);
                if (readBody != null) {
                    pc.request().setBody(Body.body(readBody));
                } else if (nothingToStream) {
                    pc.request().setBody(null); // the proxy's "no body": the upstream request ends with its head
                }
                if (readBody != sentBody) {
                    pc.request().headers().set(HttpHeaders.CONTENT_TYPE, "application/json");
                }
                return send(pc, turn, 0).recover(failure -> Future.succeededFuture(unavailable(pc, upstream, failure)));
            }
        });
        proxy.addInterceptor(bodyLimits.relayedRefusals(upstream));
        if (webSession != null) {
            proxy.addInterceptor(browserSession.answers(webSession));
        }
        proxy.handle(readBody == null && !nothingToStream ? request : RequestViews.bodyAlreadyRead(request));
    }

    /** Tries the instances in turn while none of them has been sent anything (breaker open, connection refused). */
    private Future<ProxyResponse> send(ProxyContext pc, List<UpstreamInstances.Instance> turn, int index) {
        UpstreamInstances.Instance instance = turn.get(index);
        pc.set(INSTANCE, instance);
        pc.set(CONNECTED, null);
        return instance.<ProxyResponse> call(pc::sendRequest).recover(failure -> {
            boolean untouched = failure instanceof CircuitBreakerOpenException || pc.get(CONNECTED, Boolean.class) == null;
            if (untouched && index + 1 < turn.size()) {
                return send(pc, turn, index + 1);
            }
            return Future.failedFuture(failure);
        });
    }

    private ProxyResponse unavailable(ProxyContext pc, Upstream upstream, Throwable failure) {
        if (failure instanceof CircuitBreakerOpenException) {
            LOG.debugf("%s unavailable: every instance's breaker is open", upstream.service);
        } else {
            LOG.warnf("%s unavailable: %s", upstream.service, failure.toString());
        }
        Problem problem = GatewayProblems.upstreamUnavailable(upstream.service);
        return pc.request().release().response()
                .setStatusCode(problem.status())
                .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .setBody(Body.body(problems.body(problem)));
    }

    private static boolean hasEncodedSeparator(String path) {
        String lower = path.toLowerCase(Locale.ROOT);
        return lower.contains("%2f") || lower.contains("%5c") || lower.contains("\\");
    }
}
