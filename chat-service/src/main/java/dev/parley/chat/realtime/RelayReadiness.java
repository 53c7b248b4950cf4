package dev.parley.chat.realtime;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Not ready while the replica relay has no subscription connection to Redis: sockets here would
 * miss what other replicas send them, so new clients belong on another replica until it is back.
 * Always up with Redis disabled.
 */
@Readiness
@ApplicationScoped
public class RelayReadiness implements HealthCheck {

    private final ReplicaRelay relay;

    public RelayReadiness(ReplicaRelay relay) {
        this.relay = relay;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("replica-relay").status(relay.connected())
                .withData("redis", relay.enabled() ? "enabled" : "disabled").build();
    }
}
