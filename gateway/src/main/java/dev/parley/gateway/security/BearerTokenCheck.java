package dev.parley.gateway.security;

import java.util.Set;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;

import dev.parley.gateway.GatewayProblems;
import dev.parley.gateway.WebSocketUpgrade;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.smallrye.jwt.runtime.auth.JWTAuthMechanism;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.quarkus.vertx.http.runtime.security.HttpCredentialTransport;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

/**
 * SmallRye JWT's bearer check (signature against the JWKS, issuer, audience, RS256, expiry) with
 * two gateway additions: a browser's WebSocket upgrade may carry its token as the
 * {@code access_token} query parameter (browsers cannot set headers on a WebSocket), and a
 * failed check is answered with a problem body instead of an empty 401.
 *
 * <p>Which routes need a token is configured with {@code quarkus.http.auth.permission.*}; with
 * lazy authentication a public route never has its token checked here (an expired token on
 * {@code /auth/refresh} must not stand in the way of refreshing it).
 */
@Alternative
@Priority(1)
@ApplicationScoped
public class BearerTokenCheck implements HttpAuthenticationMechanism {

    static final String WEBSOCKET_PATH = "/ws";
    /** Where Quarkus looks for the mechanism that answers a failed authentication with a challenge. */
    private static final String CHALLENGER = HttpAuthenticationMechanism.class.getName();

    private final JWTAuthMechanism jwt;
    private final GatewayProblems problems;

    public BearerTokenCheck(JWTAuthMechanism jwt, GatewayProblems problems) {
        this.jwt = jwt;
        this.problems = problems;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext ctx, IdentityProviderManager identities) {
        HttpServerRequest request = ctx.request();
        if (WEBSOCKET_PATH.equals(request.path()) && WebSocketUpgrade.requested(request)
                && !request.headers().contains(HttpHeaders.AUTHORIZATION)) {
            // read as the redaction reads it (QueryToken), so whatever authenticates is also removed from logs and the URI
            String token = QueryToken.find(request.query());
            if (token != null && !token.isBlank()) {
                // verified like any bearer token and forwarded as one; the tunnel drops it from the URI
                request.headers().set(HttpHeaders.AUTHORIZATION, "Bearer " + token);
            }
        }
        Uni<SecurityIdentity> identity = jwt.authenticate(ctx, identities);
        // The JWT mechanism names itself as the one to challenge a failed attempt; make that us,
        // so a bad token gets the problem body below like a missing one does.
        if (ctx.get(CHALLENGER) instanceof JWTAuthMechanism) {
            ctx.put(CHALLENGER, this);
        }
        return identity;
    }

    @Override
    public Uni<Boolean> sendChallenge(RoutingContext ctx) {
        problems.send(ctx, GatewayProblems.unauthorized());
        return Uni.createFrom().item(Boolean.TRUE);
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext ctx) {
        return jwt.getChallenge(ctx);
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return jwt.getCredentialTypes();
    }

    @Override
    public Uni<HttpCredentialTransport> getCredentialTransport(RoutingContext ctx) {
        return jwt.getCredentialTransport(ctx);
    }

    /** Ahead of the JWT mechanism it wraps, should Quarkus also consult that one directly. */
    @Override
    public int getPriority() {
        return jwt.getPriority() + 1;
    }
}
