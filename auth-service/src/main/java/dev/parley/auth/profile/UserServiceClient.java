package dev.parley.auth.profile;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** user-service's internal API, reached directly (never through the gateway). */
@RegisterRestClient(configKey = "user-service")
@Path("/internal/users")
public interface UserServiceClient {

    record ProfileSeed(String id, String username, String email) {
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    void create(@HeaderParam("Authorization") String authorization, ProfileSeed seed);
}
