package dev.parley.gateway.security;

import org.eclipse.microprofile.jwt.JsonWebToken;

import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.vertx.ext.web.RoutingContext;

/** Who is calling: the access token's subject (the user id), once the token check has passed. */
public final class CallerId {

    private CallerId() {
    }

    /** The user id, or null for a request that was not (or not yet) authenticated. */
    public static String of(RoutingContext ctx) {
        if (ctx.user() instanceof QuarkusHttpUser user && !user.getSecurityIdentity().isAnonymous()
                && user.getSecurityIdentity().getPrincipal() instanceof JsonWebToken token) {
            return token.getSubject();
        }
        return null;
    }
}
