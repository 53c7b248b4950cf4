package dev.parley.auth.servicetoken;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import jakarta.annotation.security.PermitAll;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.logging.Logger;

import dev.parley.auth.AuthConfig;
import dev.parley.auth.token.AccessTokenIssuer;
import dev.parley.support.problem.ProblemException;

/**
 * The client-credentials exchange of internal callers: a service presents its name and secret and
 * gets a short-lived service credential (a JWT with role {@code service}). Internal: the gateway
 * never routes /internal/**.
 */
@Path("/internal/service-token")
@Tag(name = "internal")
public class ServiceTokenResource {

    private static final Logger LOG = Logger.getLogger(ServiceTokenResource.class);

    @Schema(name = "ServiceTokenRequest")
    public record ServiceTokenRequest(@Schema(required = true) @NotBlank @Size(max = 64) String service,
            @Schema(required = true) @NotNull @Size(min = 16, max = 256) String secret) {
    }

    @Schema(name = "ServiceToken")
    public record ServiceToken(@Schema(required = true) String accessToken, @Schema(required = true) String tokenType,
            @Schema(required = true) long expiresIn) {
    }

    private final AuthConfig config;
    private final AccessTokenIssuer tokens;

    public ServiceTokenResource(AuthConfig config, AccessTokenIssuer tokens) {
        this.config = config;
        this.tokens = tokens;
    }

    @POST
    @PermitAll
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Exchange a service secret for a service credential", description = "Internal services"
            + " named in parley.auth.service-clients, with their secret. Never routed by the gateway.")
    @APIResponse(responseCode = "200", description = "A service credential",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ServiceToken.class)))
    @APIResponse(responseCode = "400", description = "validation_failed")
    @APIResponse(responseCode = "401", description = "invalid_client")
    public ServiceToken exchange(@NotNull @Valid ServiceTokenRequest body) {
        AuthConfig.ServiceClient client = config.serviceClients().get(body.service());
        byte[] presented = sha256(body.secret());
        byte[] expected = client == null ? new byte[presented.length] : HexFormat.of().parseHex(client.secretSha256().trim());
        if (!MessageDigest.isEqual(presented, expected) || client == null) {
            LOG.warnf("Service credential refused for %s", body.service());
            throw ProblemException.unauthorized("invalid_client", "Unknown service or wrong secret");
        }
        return new ServiceToken(tokens.forService(body.service()), "Bearer", tokens.serviceTokenSeconds());
    }

    private static byte[] sha256(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
