package dev.parley.chat.presence;

import java.time.Instant;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.rest.client.annotation.RegisterClientHeaders;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import dev.parley.support.internal.ServiceCredentialHeaders;

/** user-service's internal API, reached directly (never through the gateway), with this service's credential. */
@RegisterRestClient(configKey = "user-service")
@RegisterClientHeaders(ServiceCredentialHeaders.class)
@Path("/internal/users")
interface UserServiceClient {

    record PresenceReport(String status, Instant lastSeen) {
    }

    @PUT
    @Path("/{id}/presence")
    @Consumes(MediaType.APPLICATION_JSON)
    void presence(@PathParam("id") String userId, PresenceReport report);
}
