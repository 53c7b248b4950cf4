package dev.parley.chat.presence;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Not ready while presence cannot reach Redis: this replica's users would not be seen online by
 * the others, and it could not clean up after a dead replica. Always up with Redis disabled.
 */
@Readiness
@ApplicationScoped
public class PresenceReadiness implements HealthCheck {

    private final PresenceLeases leases;

    public PresenceReadiness(PresenceLeases leases) {
        this.leases = leases;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("presence-leases").status(leases.reachable())
                .withData("redis", leases.shared() ? "enabled" : "disabled").build();
    }
}
