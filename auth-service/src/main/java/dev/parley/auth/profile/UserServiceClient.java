package dev.parley.auth.profile;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.rest.client.annotation.RegisterClientHeaders;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import dev.parley.auth.servicetoken.OwnServiceCredentialHeaders;

/**
 * user-service's internal API, reached directly (never through the gateway). The service
 * credential comes from the headers factory; {@link ProfileProvisioner} adds the fault tolerance.
 */
@RegisterRestClient(configKey = "user-service")
@RegisterClientHeaders(OwnServiceCredentialHeaders.class)
@Path("/internal/users")
public interface UserServiceClient {

    record ProfileSeed(String id, String username, String email) {
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    void create(ProfileSeed seed);
}
