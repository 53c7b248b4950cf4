package dev.parley.auth.profile;

import java.time.temporal.ChronoUnit;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Fallback;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

/**
 * Creates the new user's profile in user-service. Best effort by design: when user-service is
 * down, registration still succeeds and user-service creates the profile from the token's claims
 * on the user's first request. Retried because the call is idempotent (creating an existing id
 * returns the stored profile); runs on the registration's worker thread, as before.
 */
@ApplicationScoped
public class ProfileProvisioner {

    private static final Logger LOG = Logger.getLogger(ProfileProvisioner.class);

    private final UserServiceClient users;

    public ProfileProvisioner(@RestClient UserServiceClient users) {
        this.users = users;
    }

    @Retry(maxRetries = 2, delay = 100, jitter = 50)
    @Timeout(value = 2, unit = ChronoUnit.SECONDS)
    @CircuitBreaker(requestVolumeThreshold = 4, failureRatio = 0.75, delay = 10, delayUnit = ChronoUnit.SECONDS)
    @Fallback(fallbackMethod = "deferToFirstUse")
    public void provision(String userId, String username, String email) {
        users.create(new UserServiceClient.ProfileSeed(userId, username, email));
    }

    void deferToFirstUse(String userId, String username, String email) {
        LOG.warnf("Profile of user %s not created now (user-service unreachable); it will be created on first use", userId);
    }
}
