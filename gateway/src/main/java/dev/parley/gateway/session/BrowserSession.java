package dev.parley.gateway.session;

import java.io.IOException;
import java.util.Map;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.parley.gateway.GatewayConfig;
import dev.parley.gateway.GatewayProblems;
import dev.parley.gateway.edge.CorsPolicy;
import dev.parley.support.problem.Problem;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.streams.ReadStream;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.httpproxy.Body;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyInterceptor;
import io.vertx.httpproxy.ProxyResponse;

/**
 * Sessions of the web client: its refresh token lives in a cookie that only the gateway reads
 * ({@code HttpOnly; Secure; SameSite=Strict; Path=/auth}), so no script in the page can ever
 * see it; the page keeps only the short-lived access token, in memory.
 *
 * <p>A request opts in with {@code X-Parley-Client: web} on {@code POST /auth/login},
 * {@code /auth/register}, {@code /auth/refresh} and {@code /auth/logout}. Then the gateway
 * <ul>
 * <li>requires an {@code Origin} that may use the API (the gateway's own, or a listed one) and
 * answers 403 {@code forbidden_origin} otherwise: the CSRF guard, on top of SameSite=Strict and of
 * the custom header, which no cross-origin page can send without a preflight the gateway refuses;
 * <li>on refresh and logout, takes the token from the cookie and sends auth-service the JSON body
 * it expects; without a cookie there is nothing to ask it (401 {@code invalid_refresh_token}, or
 * 204 for logout);
 * <li>moves the {@code refreshToken} of a successful answer out of the JSON body into the cookie,
 * and clears the cookie once the session is over (logout, or a refused refresh).
 * </ul>
 * Every other client (mobile, CLI) keeps the plain JSON contract; the cookie is never read for it.
 * The cookie never travels past the gateway (the router strips {@code Cookie} from proxied requests).
 */
@ApplicationScoped
public class BrowserSession {

    public static final String CLIENT_HEADER = "X-Parley-Client";
    public static final String COOKIE = "parley_refresh";
    static final String COOKIE_PATH = "/auth";

    private static final String WEB = "web";
    private static final String EXCHANGE = "parley.web-session";
    private static final String LOGIN = "/auth/login";
    private static final String REGISTER = "/auth/register";
    private static final String REFRESH = "/auth/refresh";
    private static final String LOGOUT = "/auth/logout";
    /** What auth-service issues: 256 random bits as base64url; anything else in the cookie is not ours. */
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{16,128}");
    /** An auth answer is a few hundred bytes; a larger one is not rewritten but refused. */
    private static final int MAX_ANSWER_BYTES = 64 * 1024;

    private final CorsPolicy cors;
    private final GatewayProblems problems;
    private final ObjectMapper json;
    private final long cookieMaxAgeSeconds;
    private final BodyHandler bodies;

    public BrowserSession(CorsPolicy cors, GatewayProblems problems, ObjectMapper json, GatewayConfig config,
            @ConfigProperty(name = "quarkus.http.limits.max-body-size", defaultValue = "10240K") MemorySize maxBodySize) {
        this.cors = cors;
        this.problems = problems;
        this.json = json;
        this.cookieMaxAgeSeconds = config.webSession().cookieMaxAge().toSeconds();
        this.bodies = BodyHandler.create(false).setBodyLimit(maxBodySize.asLongValue());
    }

    /** What a web sign-in request carries to the proxy: which endpoint, and the token from the cookie. */
    public record Exchange(String path, String refreshToken) {
    }

    void register(@Observes Router router) {
        // ahead of the upstream routes (and of their body reader) so a refused request reaches no service
        router.post().order(RouteConstants.ROUTE_ORDER_BEFORE_DEFAULT - 2).handler(this::admit);
    }

    private void admit(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        String path = ctx.normalizedPath();
        boolean signIn = LOGIN.equals(path) || REGISTER.equals(path) || REFRESH.equals(path) || LOGOUT.equals(path);
        if (!signIn || !WEB.equalsIgnoreCase(request.getHeader(CLIENT_HEADER))) {
            ctx.next();
            return;
        }
        String origin = request.getHeader(HttpHeaders.ORIGIN);
        if (origin == null || !cors.allows(origin, request)) {
            problems.send(ctx, GatewayProblems.forbiddenOrigin());
            return;
        }
        String token = null;
        if (REFRESH.equals(path) || LOGOUT.equals(path)) {
            token = refreshTokenIn(request);
            if (token == null) {
                ctx.response().putHeader(HttpHeaders.SET_COOKIE, cleared());
                if (LOGOUT.equals(path)) {
                    ctx.response().setStatusCode(204).end();
                } else {
                    problems.send(ctx, noSession());
                }
                return;
            }
        }
        ctx.put(EXCHANGE, new Exchange(path, token));
        bodies.handle(ctx); // reads the (bounded) body, then on to the upstream route
    }

    /** The web sign-in exchange of this request, or null when it is an ordinary one. */
    public Exchange exchange(RoutingContext ctx) {
        return ctx.get(EXCHANGE);
    }

    /** What auth-service gets: the body as sent, or for refresh and logout the token from the cookie. */
    public Buffer requestBody(Exchange exchange, Buffer sent) {
        if (exchange.refreshToken() == null) {
            return sent;
        }
        try {
            return Buffer.buffer(json.writeValueAsBytes(Map.of("refreshToken", exchange.refreshToken())));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Rewrites auth-service's answer for the browser: token into the cookie, or the cookie cleared. */
    public ProxyInterceptor answers(Exchange exchange) {
        return new ProxyInterceptor() {
            @Override
            public Future<Void> handleProxyResponse(ProxyContext pc) {
                return rewrite(exchange, pc.response()).compose(v -> pc.sendResponse());
            }
        };
    }

    private Future<Void> rewrite(Exchange exchange, ProxyResponse response) {
        int status = response.getStatusCode();
        response.putHeader(HttpHeaders.CACHE_CONTROL, "no-store");
        if (LOGOUT.equals(exchange.path())) {
            if (status < 500) {
                response.putHeader(HttpHeaders.SET_COOKIE, cleared());
            }
            return Future.succeededFuture();
        }
        if (REFRESH.equals(exchange.path()) && (status == 400 || status == 401)) {
            response.putHeader(HttpHeaders.SET_COOKIE, cleared()); // that token is spent or revoked
            return Future.succeededFuture();
        }
        if (status != 200 && status != 201) {
            return Future.succeededFuture();
        }
        return readAll(response.getBody().stream()).map(answer -> {
            response.headers().remove(HttpHeaders.CONTENT_LENGTH);
            response.setBody(Body.body(withoutRefreshToken(answer, response)));
            return null;
        });
    }

    /** The answer without its refresh token, which goes into the cookie instead. */
    private Buffer withoutRefreshToken(Buffer answer, ProxyResponse response) {
        try {
            JsonNode body = json.readTree(answer.getBytes());
            JsonNode token = body instanceof ObjectNode object ? object.remove("refreshToken") : null;
            if (token != null && token.isTextual()) {
                response.putHeader(HttpHeaders.SET_COOKIE, cookie(token.asText(), cookieMaxAgeSeconds));
                return Buffer.buffer(json.writeValueAsBytes(body));
            }
        } catch (IOException e) {
            // not the JSON auth-service sends: passed on as it came
        }
        return answer;
    }

    private static String refreshTokenIn(HttpServerRequest request) {
        Cookie cookie = request.getCookie(COOKIE);
        return cookie != null && TOKEN.matcher(cookie.getValue()).matches() ? cookie.getValue() : null;
    }

    static String cookie(String value, long maxAgeSeconds) {
        return Cookie.cookie(COOKIE, value).setPath(COOKIE_PATH).setMaxAge(maxAgeSeconds).setHttpOnly(true)
                .setSecure(true).setSameSite(CookieSameSite.STRICT).encode();
    }

    static String cleared() {
        return cookie("", 0);
    }

    static Problem noSession() {
        return Problem.of(401, "invalid_refresh_token", "Not signed in", "This browser has no session; sign in");
    }

    /** The whole answer (the proxy holds the upstream stream paused until someone reads it). */
    private static Future<Buffer> readAll(ReadStream<Buffer> stream) {
        Promise<Buffer> read = Promise.promise();
        Buffer all = Buffer.buffer();
        stream.exceptionHandler(read::tryFail);
        stream.handler(chunk -> {
            if (all.length() + chunk.length() > MAX_ANSWER_BYTES) {
                read.tryFail(new IllegalStateException("auth-service answer over " + MAX_ANSWER_BYTES + " bytes"));
            } else {
                all.appendBuffer(chunk);
            }
        });
        stream.endHandler(v -> read.tryComplete(all));
        stream.resume();
        return read.future();
    }
}
