package dev.parley.user.presence;

import java.time.Instant;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.rest.client.annotation.RegisterClientHeaders;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import dev.parley.support.internal.ServiceCredentialHeaders;

/**
 * chat-service's internal API, reached directly (never through the gateway). The service
 * credential comes from the headers factory; {@link ChatPresenceNotifier} adds the fault tolerance.
 */
@RegisterRestClient(configKey = "chat-service")
@RegisterClientHeaders(ServiceCredentialHeaders.class)
@Path("/internal/presence")
public interface ChatServiceClient {

    record PresenceChange(String userId, String status, Instant lastSeen) {
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    void changed(PresenceChange change);
}
