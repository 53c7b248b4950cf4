package dev.parley.chat.presence;

import java.time.Instant;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.parley.support.internal.CalledBy;


/** Where user-service reports a status a user set over REST, to be broadcast as user:status. */
@Path("/internal/presence")
@Tag(name = "operations")
public class PresenceResource {

    @Schema(name = "PresenceChange")
    public record PresenceChange(
            @Schema(required = true) @NotNull @Pattern(regexp = "^[0-9a-f]{24}$") String userId,
            @Schema(required = true, enumeration = { "online", "offline", "away" })
            @NotNull @Pattern(regexp = "^(online|offline|away)$") String status,
            Instant lastSeen) {
    }

    private final PresenceTracker presence;

    public PresenceResource(PresenceTracker presence) {
        this.presence = presence;
    }

    @POST
    @RolesAllowed("service")
    @CalledBy("user-service")
    @SecurityRequirement(name = "bearer")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "A user's status changed", description = "user-service's service credential only.")
    @APIResponse(responseCode = "204", description = "Broadcast to the user's contacts")
    @APIResponse(responseCode = "400", description = "validation_failed")
    @APIResponse(responseCode = "401", description = "No or invalid token")
    @APIResponse(responseCode = "403", description = "Not a service credential, or another service's (caller_not_allowed)")
    public void changed(@NotNull @Valid PresenceChange change) {
        presence.statusStored(change.userId(), change.status(), change.lastSeen());
    }
}
