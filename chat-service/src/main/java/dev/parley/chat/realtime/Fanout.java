package dev.parley.chat.realtime;

import java.util.Collection;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.runtime.Startup;

import org.jboss.logging.Logger;

import io.quarkus.websockets.next.WebSocketConnection;

/**
 * Delivers one serialized event to every open connection of some users: those on this replica
 * directly, those on other replicas through the {@link ReplicaRelay} (when Redis is configured).
 * Each event is serialized once, whatever the number of recipients. Created at start-up: it is
 * also where frames from other replicas are delivered, which may happen before this replica sends
 * anything itself.
 */
@Startup
@ApplicationScoped
public class Fanout {

    private static final Logger LOG = Logger.getLogger(Fanout.class);

    private final ConnectionRegistry registry;
    private final ReplicaRelay relay;

    public Fanout(ConnectionRegistry registry, ReplicaRelay relay) {
        this.registry = registry;
        this.relay = relay;
        relay.onRemote(remote -> deliverLocally(remote.userId(), remote.json(), remote.exceptConnection()));
    }

    /** @param exceptConnection a connection id not to send to (the sender's own), or null */
    public void toUsers(Collection<String> userIds, String json, String exceptConnection) {
        for (String userId : userIds) {
            deliverLocally(userId, json, exceptConnection);
            relay.publish(userId, json, exceptConnection);
        }
    }

    /** Delivery on this replica only (what the relay calls for events from other replicas). */
    void deliverLocally(String userId, String json, String exceptConnection) {
        for (WebSocketConnection connection : registry.of(userId)) {
            if (!connection.id().equals(exceptConnection) && connection.isOpen()) {
                connection.sendText(json).subscribe().with(ok -> {
                }, failure -> LOG.debugf("Could not deliver to connection %s: %s", connection.id(), failure.getMessage()));
            }
        }
    }
}
