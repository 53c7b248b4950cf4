package dev.parley.chat.presence;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

/**
 * Where presence changes go beyond the sockets: user-service keeps status and lastSeen. This is
 * the seam the foundation left; wiring it to user-service's internal API needs a service
 * credential for chat-service (see docs/security.md), so today it records the change in the log.
 */
@ApplicationScoped
public class PresenceSink {

    private static final Logger LOG = Logger.getLogger(PresenceSink.class);

    public void report(String userId, String status, Instant lastSeen) {
        LOG.debugf("Presence of %s: %s (last seen %s)", userId, status, lastSeen);
    }
}
