package dev.parley.chat.realtime;

import java.util.Collection;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.runtime.Startup;

import io.quarkus.websockets.next.WebSocketConnection;

/**
 * Delivers one serialized event to every open connection of some users: those on this replica
 * directly, those on other replicas through the {@link ReplicaRelay} (when Redis is configured), in
 * one publish per event that names the recipients. Each event is serialized once, whatever the
 * number of recipients, and a replica receiving it looks each recipient up in its registry (users
 * with no socket here cost a map lookup). Created at start-up: it is
 * also where frames from other replicas are delivered, which may happen before this replica sends
 * anything itself.
 */
@Startup
@ApplicationScoped
public class Fanout {

    private final ConnectionRegistry registry;
    private final ReplicaRelay relay;
    private final Outbound outbound;

    public Fanout(ConnectionRegistry registry, ReplicaRelay relay, Outbound outbound) {
        this.registry = registry;
        this.relay = relay;
        this.outbound = outbound;
        relay.onRemote(remote -> {
            int bytes = Outbound.utf8Length(remote.json());
            for (String userId : remote.userIds()) {
                deliverLocally(userId, remote.json(), bytes, remote.exceptConnection());
            }
        });
    }

    /**
     * Delivers to the users' sockets here, then relays the event to the other replicas in one
     * publish naming them all.
     * @param exceptConnection a connection id not to send to (the sender's own), or null
     */
    public void toUsers(Collection<String> userIds, String json, String exceptConnection) {
        int bytes = Outbound.utf8Length(json);
        for (String userId : userIds) {
            deliverLocally(userId, json, bytes, exceptConnection);
        }
        relay.publish(userIds, json, bytes, exceptConnection);
    }

    /** Delivery on this replica only (what the relay calls for events from other replicas), within each socket's budget. */
    void deliverLocally(String userId, String json, int bytes, String exceptConnection) {
        for (WebSocketConnection connection : registry.of(userId)) {
            if (!connection.id().equals(exceptConnection)) {
                outbound.send(connection, json, bytes);
            }
        }
    }
}
