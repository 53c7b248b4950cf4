package dev.parley.user.presence;

import java.time.Instant;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** chat-service's internal API, reached directly (never through the gateway). */
@RegisterRestClient(configKey = "chat-service")
@Path("/internal/presence")
public interface ChatServiceClient {

    record PresenceChange(String userId, String status, Instant lastSeen) {
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    void changed(@HeaderParam("Authorization") String authorization, PresenceChange change);
}
