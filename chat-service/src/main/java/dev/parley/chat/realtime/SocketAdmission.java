package dev.parley.chat.realtime;

import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;

import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.quarkus.vertx.http.runtime.security.SecurityHandlerPriorities;
import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import dev.parley.chat.ChatConfig;

/**
 * Who may open the WebSocket, before any frame flows. Browsers cannot set headers on a WebSocket,
 * so an {@code access_token} query parameter is accepted and presented to the JWT check as the
 * Authorization header (it is never logged). A browser's {@code Origin} must be on the allowlist.
 * A user who has the most sockets allowed on this replica open already is refused with 429.
 */
@ApplicationScoped
public class SocketAdmission implements HttpUpgradeCheck {

    private static final Logger LOG = Logger.getLogger(SocketAdmission.class);

    /**
     * The token's expiry (epoch seconds) on the slim identity. Deliberately not websockets-next's
     * own expiry attribute (that would start a timer per socket): the {@link SocketSweeper} closes
     * an expired socket, with the reason {@code token_expired} that clients look for.
     */
    static final String EXPIRES_AT = "parley.token-expires-at";

    /**
     * Security filters run at minus their priority (authentication -200, authorization -100);
     * routes without an explicit order, the WebSocket endpoint's among them, from 0 up.
     */
    static final int AFTER_SECURITY_FILTERS = -SecurityHandlerPriorities.AUTHORIZATION + 50;

    private final Set<String> allowedOrigins;
    private final ConnectionRegistry registry;

    public SocketAdmission(ChatConfig config, ConnectionRegistry registry) {
        this.allowedOrigins = Set.copyOf(config.socket().allowedOrigins());
        this.registry = registry;
    }

    /**
     * Installs {@link #tokenFromQuery} ahead of every other handler of /ws (so before
     * authentication), and {@link #settleIdentity} after authentication, before the endpoint.
     */
    void install(@Observes Router router) {
        router.route("/ws").order(Integer.MIN_VALUE + 100).handler(this::tokenFromQuery);
        router.route("/ws").order(AFTER_SECURITY_FILTERS).handler(this::settleIdentity);
    }

    /**
     * Resolves the caller's identity before the upgrade and leaves only a slim copy of it: the
     * request (its headers, its routing data, its user) stays referenced by the connection for the
     * socket's whole life, so the deferred-authentication pipeline (with the contexts it
     * captured), the Authorization header and the parsed token (raw text, claims) are dropped
     * from it. The copy keeps what the socket uses: the subject as principal name, the roles the
     * endpoint requires, and the expiry (the {@link SocketSweeper} closes the socket with 1008
     * when it passes). A request without a valid token is left as it is: the security check of the
     * upgrade refuses it with 401.
     */
    void settleIdentity(RoutingContext context) {
        Uni<SecurityIdentity> deferred = context.get(QuarkusHttpUser.DEFERRED_IDENTITY_KEY);
        if (deferred == null || context.user() != null) {
            context.next();
            return;
        }
        deferred.subscribe().with(identity -> {
            if (identity != null && identity.getPrincipal() instanceof JsonWebToken token) {
                context.setUser(new QuarkusHttpUser(QuarkusSecurityIdentity.builder()
                        .setPrincipal(new QuarkusPrincipal(token.getSubject()))
                        .addRoles(identity.getRoles())
                        .addAttribute(EXPIRES_AT, token.getExpirationTime())
                        .build()));
                context.remove(QuarkusHttpUser.DEFERRED_IDENTITY_KEY);
                context.request().headers().remove(HttpHeaders.AUTHORIZATION);
            }
            context.next();
        }, failure -> context.next());
    }

    void tokenFromQuery(RoutingContext context) {
        var request = context.request();
        if ("/ws".equals(request.path()) && request.getHeader("Authorization") == null) {
            String token = request.getParam("access_token");
            if (token != null && !token.isBlank()) {
                request.headers().set("Authorization", "Bearer " + token);
            }
        }
        context.next();
    }

    @Override
    public Uni<CheckResult> perform(HttpUpgradeContext context) {
        String origin = context.httpRequest().getHeader("Origin");
        if (origin != null && !allowedOrigins.contains(origin)) {
            LOG.infof("ws rejected: origin %s not allowed", origin);
            return CheckResult.rejectUpgrade(403);
        }
        return context.securityIdentity().onItem().transformToUni(identity -> {
            if (identity != null && identity.getAttribute(EXPIRES_AT) instanceof Long expiresAt) {
                String userId = identity.getPrincipal().getName();
                if (!registry.roomFor(userId)) {
                    LOG.infof("ws rejected user=%s: too many sockets", userId);
                    return CheckResult.rejectUpgrade(429);
                }
                // all the socket needs of the token (see settleIdentity), in the connection's user data
                context.userData().put(ChatSocket.CALLER, new ChatSocket.Caller(userId, expiresAt));
            }
            // no identity, or a token that failed: the security check that follows refuses the upgrade with 401
            return CheckResult.permitUpgrade();
        }).onFailure().recoverWithUni(failure -> CheckResult.permitUpgrade());
    }
}
