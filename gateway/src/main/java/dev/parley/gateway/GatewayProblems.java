package dev.parley.gateway;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.parley.support.problem.Problem;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The problem bodies the gateway itself answers with (RFC 9457, the shared {@link Problem}), and
 * the one place where failures and unmatched paths become such bodies. Upstream problem bodies
 * never pass through here: they are proxied untouched.
 */
@ApplicationScoped
public class GatewayProblems {

    private static final Logger LOG = Logger.getLogger(GatewayProblems.class);
    /** Routing-context key: the body limit of the route a request is on, for its 413 problem. */
    public static final String BODY_LIMIT = "parley.body-limit";

    private final ObjectMapper json;
    private final long maxBodyBytes;

    public GatewayProblems(ObjectMapper json,
            @ConfigProperty(name = "quarkus.http.limits.max-body-size", defaultValue = "10240K") MemorySize maxBodySize) {
        this.json = json;
        this.maxBodyBytes = maxBodySize.asLongValue();
    }

    void register(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).failureHandler(this::failed);
        // after every route that could match, the gateway's own included
        router.route().order(RouteConstants.ROUTE_ORDER_AFTER_DEFAULT + 1000).handler(ctx -> send(ctx, notFound()));
    }

    /** Every failure the router sees becomes a problem body; a stack trace goes to the log only. */
    private void failed(RoutingContext ctx) {
        if (ctx.response().ended()) {
            return;
        }
        Throwable failure = ctx.failure();
        if (ctx.response().headWritten()) {
            LOG.warn("Response failed after its head was sent; closing it", failure);
            ctx.response().reset();
            return;
        }
        int status = ctx.statusCode();
        Problem problem;
        if (failure instanceof AuthenticationFailedException || failure instanceof UnauthorizedException || status == 401) {
            problem = unauthorized();
        } else if (failure instanceof ForbiddenException || status == 403) {
            problem = Problem.of(403, "forbidden", "Not allowed", "This caller may not do that");
        } else if (status == 413) {
            Long routeLimit = ctx.get(BODY_LIMIT);
            problem = payloadTooLarge(routeLimit != null ? routeLimit : maxBodyBytes);
        } else if (status == 404) {
            problem = notFound();
        } else if (status >= 400 && status < 500) {
            problem = Problem.of(status, "bad_request", "Request is invalid", null);
        } else {
            LOG.error("Request failed", failure);
            problem = internalError();
        }
        send(ctx, problem);
    }

    public static Problem notFound() {
        return Problem.of(404, "not_found", "Not found", "No such route");
    }

    public static Problem unauthorized() {
        return Problem.of(401, "unauthorized", "Not authenticated", "A valid access token is required");
    }

    public static Problem rateLimited() {
        return Problem.of(429, "rate_limited", "Too many requests", "Slow down; see Retry-After");
    }

    public static Problem tooManySockets(int limit) {
        return Problem.of(429, "too_many_sockets", "Too many sockets",
                "A user may hold " + limit + " sockets at once; close one first");
    }

    /**
     * chat-service refused a WebSocket upgrade without a problem body of its own: its status, said
     * as a problem (a 5xx there means it cannot take the socket now).
     */
    public static Problem upgradeRefused(int status, String service) {
        if (status == 401) {
            return unauthorized();
        }
        if (status == 403) {
            return Problem.of(403, "forbidden", "Not allowed", service + " refused this socket");
        }
        if (status >= 400 && status < 500) {
            return Problem.of(status, "upgrade_refused", "WebSocket refused",
                    service + " refused the upgrade (or took none of the subprotocols offered)");
        }
        return upstreamUnavailable(service);
    }

    public static Problem upstreamUnavailable(String service) {
        return Problem.of(503, "upstream_unavailable", "Service unavailable", service + " is not reachable; try again shortly");
    }

    public static Problem payloadTooLarge(long limit) {
        return Problem.of(413, "payload_too_large", "Payload too large", "Request bodies are limited to " + limit + " bytes");
    }

    public static Problem forbiddenOrigin() {
        return Problem.of(403, "forbidden_origin", "Origin not allowed", "This origin may not call the API");
    }

    public static Problem internalError() {
        return Problem.of(500, "internal_error", "Internal error", null);
    }

    /** Ends the response with the problem; a 401 also carries the Bearer challenge. */
    public void send(RoutingContext ctx, Problem problem) {
        if (ctx.response().ended()) {
            return;
        }
        if (problem.status() == 401) {
            ctx.response().putHeader("WWW-Authenticate", "Bearer");
        }
        ctx.response().setStatusCode(problem.status())
                .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .end(body(problem));
    }

    public Buffer body(Problem problem) {
        try {
            return Buffer.buffer(json.writeValueAsBytes(problem));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
