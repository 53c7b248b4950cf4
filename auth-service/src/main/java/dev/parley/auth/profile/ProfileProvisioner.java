package dev.parley.auth.profile;

import java.time.temporal.ChronoUnit;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Fallback;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

import dev.parley.auth.token.AccessTokenIssuer;

/**
 * Creates the new user's profile in user-service. Best effort by design: when user-service is
 * down, registration still succeeds and user-service creates the profile from the token's claims
 * on the user's first request.
 */
@ApplicationScoped
public class ProfileProvisioner {

    private static final Logger LOG = Logger.getLogger(ProfileProvisioner.class);
    static final String SERVICE_NAME = "auth-service";

    private final UserServiceClient users;
    private final AccessTokenIssuer tokens;

    public ProfileProvisioner(@RestClient UserServiceClient users, AccessTokenIssuer tokens) {
        this.users = users;
        this.tokens = tokens;
    }

    @Retry(maxRetries = 2, delay = 100, jitter = 50)
    @Timeout(value = 2, unit = ChronoUnit.SECONDS)
    @CircuitBreaker(requestVolumeThreshold = 4, failureRatio = 0.75, delay = 10, delayUnit = ChronoUnit.SECONDS)
    @Fallback(fallbackMethod = "deferToFirstUse")
    public void provision(String userId, String username, String email) {
        users.create("Bearer " + tokens.forService(SERVICE_NAME), new UserServiceClient.ProfileSeed(userId, username, email));
    }

    void deferToFirstUse(String userId, String username, String email) {
        LOG.warnf("Profile of user %s not created now (user-service unreachable); it will be created on first use", userId);
    }
}
