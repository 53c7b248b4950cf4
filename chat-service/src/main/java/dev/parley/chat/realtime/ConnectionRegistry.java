package dev.parley.chat.realtime;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;

/**
 * The WebSocket connections open on this replica, by user (what fan-out delivers to). While a user
 * has one here, this replica follows their events from other replicas through the {@link ReplicaRelay}.
 */
@ApplicationScoped
public class ConnectionRegistry {

    private final Map<String, Set<WebSocketConnection>> byUser = new ConcurrentHashMap<>();
    private final ReplicaRelay relay;

    public ConnectionRegistry(ReplicaRelay relay) {
        this.relay = relay;
    }

    public Uni<Void> opened(String userId, WebSocketConnection connection) {
        return add(userId, connection) ? relay.follow(userId) : Uni.createFrom().voidItem();
    }

    public Uni<Void> closed(String userId, WebSocketConnection connection) {
        return remove(userId, connection) ? relay.unfollow(userId) : Uni.createFrom().voidItem();
    }

    /** @return true when this is the user's first connection on this replica */
    private boolean add(String userId, WebSocketConnection connection) {
        boolean[] first = { false };
        byUser.compute(userId, (id, set) -> {
            if (set == null) {
                set = ConcurrentHashMap.newKeySet();
                first[0] = true;
            }
            set.add(connection);
            return set;
        });
        return first[0];
    }

    /** @return true when that was the user's last connection on this replica */
    private boolean remove(String userId, WebSocketConnection connection) {
        boolean[] last = { false };
        byUser.computeIfPresent(userId, (id, set) -> {
            set.remove(connection);
            if (set.isEmpty()) {
                last[0] = true;
                return null;
            }
            return set;
        });
        return last[0];
    }

    public Set<WebSocketConnection> of(String userId) {
        Set<WebSocketConnection> set = byUser.get(userId);
        return set == null ? Set.of() : set;
    }
}
