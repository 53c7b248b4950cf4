package dev.parley.chat.presence;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Fallback;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

/**
 * Reports presence to user-service, which keeps status and lastSeen for profiles. Best effort:
 * sockets and {@code user:status} events do not depend on it. Retried once: user-service ignores a
 * report older than what it has, so a repeated or late report cannot leave a stale status. Blocking:
 * called from a presence lane.
 */
@ApplicationScoped
public class PresenceReporter {

    private static final Logger LOG = Logger.getLogger(PresenceReporter.class);

    private final UserServiceClient users;

    PresenceReporter(@RestClient UserServiceClient users) {
        this.users = users;
    }

    @Timeout(value = 2, unit = ChronoUnit.SECONDS)
    @Retry(maxRetries = 1, delay = 100)
    @CircuitBreaker(requestVolumeThreshold = 4, failureRatio = 0.75, delay = 10, delayUnit = ChronoUnit.SECONDS)
    @Fallback(fallbackMethod = "notReported")
    public void report(String userId, String status, Instant lastSeen) {
        users.presence(userId, new UserServiceClient.PresenceReport(status, lastSeen));
    }

    void notReported(String userId, String status, Instant lastSeen, Throwable failure) {
        LOG.warnf("user-service not told that %s is %s: %s", userId, status, failure.getMessage());
    }
}
