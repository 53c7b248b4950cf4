package dev.parley.chat.presence;

import java.time.Instant;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** user-service's internal API, reached directly (never through the gateway). */
@RegisterRestClient(configKey = "user-service")
@Path("/internal/users")
public interface UserServiceClient {

    record PresenceReport(String status, Instant lastSeen) {
    }

    @PUT
    @Path("/{id}/presence")
    @Consumes(MediaType.APPLICATION_JSON)
    void presence(@HeaderParam("Authorization") String authorization, @PathParam("id") String userId, PresenceReport report);
}
