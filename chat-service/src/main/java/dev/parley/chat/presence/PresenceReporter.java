package dev.parley.chat.presence;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

import dev.parley.support.internal.ServiceCredential;

/**
 * Reports presence to user-service, which keeps status and lastSeen for profiles. Best effort:
 * sockets and {@code user:status} events do not depend on it; user-service ignores a report older
 * than what it has, so reports crossing each other cannot leave a stale status. Called from a worker.
 */
@ApplicationScoped
public class PresenceSink {

    private static final Logger LOG = Logger.getLogger(PresenceSink.class);

    private final UserServiceClient users;
    private final ServiceCredential credential;

    public PresenceSink(@RestClient UserServiceClient users, ServiceCredential credential) {
        this.users = users;
        this.credential = credential;
    }

    public void report(String userId, String status, Instant lastSeen) {
        try {
            users.presence(credential.authorization(), userId, new UserServiceClient.PresenceReport(status, lastSeen));
        } catch (RuntimeException e) {
            LOG.warnf("user-service not told that %s is %s: %s", userId, status, e.getMessage());
        }
    }
}
