package dev.parley.chat.realtime;

import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;

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
 */
@ApplicationScoped
public class SocketAdmission implements HttpUpgradeCheck {

    private static final Logger LOG = Logger.getLogger(SocketAdmission.class);

    private final Set<String> allowedOrigins;

    public SocketAdmission(ChatConfig config) {
        this.allowedOrigins = Set.copyOf(config.socket().allowedOrigins());
    }

    /** Installs {@link #tokenFromQuery} ahead of every other handler of /ws (so before authentication). */
    void install(@Observes Router router) {
        router.route("/ws").order(Integer.MIN_VALUE + 100).handler(this::tokenFromQuery);
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
            if (identity != null && identity.getPrincipal() instanceof JsonWebToken token) {
                // all the socket needs of the token, taken now so that the token itself is not kept:
                // websockets-next copies every upgrade header for the life of the connection
                context.userData().put(ChatSocket.CALLER, new ChatSocket.Caller(token.getSubject(), token.getExpirationTime()));
                context.httpRequest().headers().remove(HttpHeaders.AUTHORIZATION);
            }
            // no identity, or a token that failed: the security check that follows refuses the upgrade with 401
            return CheckResult.permitUpgrade();
        }).onFailure().recoverWithUni(failure -> CheckResult.permitUpgrade());
    }
}
