package dev.parley.auth.token;

import java.util.List;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Public: the keys every service verifies access tokens with. */
@Path("/auth/jwks")
@Tag(name = "keys")
public class JwksResource {

    private static final String JWKS_TYPE = "application/json";

    private final SigningKeyRing keys;

    public JwksResource(SigningKeyRing keys) {
        this.keys = keys;
    }

    @GET
    @PermitAll
    @Produces(JWKS_TYPE)
    @Operation(summary = "Public signing keys (JWKS)", description = "Anyone may call. Every published key verifies;"
            + " tokens name theirs in the kid header. Cached for five minutes.")
    @APIResponse(responseCode = "200", description = "The key set",
            content = @Content(mediaType = JWKS_TYPE, schema = @Schema(implementation = JwkSet.class)))
    public Response jwks() {
        CacheControl cache = new CacheControl();
        cache.setMaxAge(300);
        return Response.ok(keys.jwks()).cacheControl(cache).build();
    }

    /** For the OpenAPI document only: the shape of the key set. */
    @Schema(name = "JwkSet")
    public record JwkSet(@Schema(required = true) List<Jwk> keys) {
        @Schema(name = "Jwk")
        public record Jwk(@Schema(required = true) String kty, @Schema(required = true) String kid,
                String use, String alg, @Schema(required = true) String n, @Schema(required = true) String e) {
        }
    }
}
