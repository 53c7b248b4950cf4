package dev.parley.user.presence;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

/**
 * Where status changes leave user-service; for now they are only logged. chat-service will consume
 * them in the chat issue, to push {@code user:status} to the user's contacts: through an internal
 * call or Redis pub/sub, an observer beside this one. Events are fired synchronously inside the
 * request, so that observer must hand the work off rather than block on the network.
 */
@ApplicationScoped
public class StatusChangeLog {

    private static final Logger LOG = Logger.getLogger(StatusChangeLog.class);

    void log(@Observes StatusChanged change) {
        LOG.debugf("User %s is now %s (at %s)", change.userId(), change.status(), change.lastSeen());
    }
}
