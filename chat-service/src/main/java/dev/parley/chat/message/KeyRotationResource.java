package dev.parley.chat.message;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.parley.support.internal.CalledBy;


/** Operator endpoint for key rotation; internal (never routed by the gateway), service credential only. */
@Path("/internal/messages/reencrypt")
@Tag(name = "operations")
public class KeyRotationResource {

    private final KeyRotation rotation;

    public KeyRotationResource(KeyRotation rotation) {
        this.rotation = rotation;
    }

    @POST
    @RolesAllowed("service")
    @CalledBy("operator")
    @SecurityRequirement(name = "bearer")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Re-encrypt old messages under the active key", description = "The operator's service credential only"
            + " (service client operator)."
            + " Run after making a new key active; then the old key can be removed from the key ring.")
    @APIResponse(responseCode = "200", description = "What was done",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = KeyRotation.Report.class)))
    @APIResponse(responseCode = "401", description = "No or invalid token")
    @APIResponse(responseCode = "403", description = "Not a service credential, or another service's (caller_not_allowed)")
    public KeyRotation.Report reencrypt() {
        return rotation.run();
    }
}
