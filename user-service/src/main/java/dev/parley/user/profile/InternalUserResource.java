package dev.parley.user.profile;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.parley.support.internal.CalledBy;
import dev.parley.user.profile.ProfileDtos.PresenceReport;
import dev.parley.user.profile.ProfileDtos.ProfileSeed;
import dev.parley.user.profile.ProfileDtos.ProfileView;

/**
 * Service-to-service: auth-service creates a profile at registration; chat-service reports presence.
 * Never routed by the gateway.
 */
@Path("/internal/users")
@Tag(name = "internal")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class InternalUserResource {

    private final ProfileService profiles;

    public InternalUserResource(ProfileService profiles) {
        this.profiles = profiles;
    }

    @POST
    @RolesAllowed("service")
    @CalledBy("auth-service")
    @SecurityRequirement(name = "bearer")
    @Operation(summary = "Create a profile (idempotent)", description = "Only auth-service (bearer service"
            + " credential, role service, subject auth-service); user tokens and other services are refused. Creating an id that exists returns the stored"
            + " profile unchanged, so a retried call is safe.")
    @APIResponse(responseCode = "201", description = "Created",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ProfileView.class)))
    @APIResponse(responseCode = "200", description = "That id already had a profile: returned unchanged",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ProfileView.class)))
    @APIResponse(responseCode = "400", description = "Invalid field (validation_failed, malformed_body)")
    @APIResponse(responseCode = "401", description = "No or invalid credential")
    @APIResponse(responseCode = "403", description = "Not a service credential, or another service's (caller_not_allowed)")
    @APIResponse(responseCode = "409", description = "username_taken or email_taken by a profile with another id")
    public Response create(@NotNull @Valid ProfileSeed body) {
        ProfileService.Provisioned result = profiles.provision(body);
        return Response.status(result.created() ? Response.Status.CREATED : Response.Status.OK).entity(result.profile()).build();
    }

    @PUT
    @Path("/{id}/presence")
    @RolesAllowed("service")
    @CalledBy("chat-service")
    @SecurityRequirement(name = "bearer")
    @Operation(summary = "Record presence", description = "Only chat-service, which sees the sockets (service"
            + " credential with subject chat-service). Sets status and lastSeen; a report older than the stored lastSeen is ignored, so reports"
            + " that arrive out of order cannot leave a stale status.")
    @APIResponse(responseCode = "204", description = "Recorded (or ignored as stale)")
    @APIResponse(responseCode = "400", description = "Invalid field (validation_failed, malformed_body)")
    @APIResponse(responseCode = "401", description = "No or invalid credential")
    @APIResponse(responseCode = "403", description = "Not a service credential, or another service's (caller_not_allowed)")
    @APIResponse(responseCode = "404", description = "user_not_found")
    public void presence(@PathParam("id") String id, @NotNull @Valid PresenceReport body) {
        profiles.recordPresence(id, body.status(), body.lastSeen());
    }
}
