package dev.parley.chat.realtime;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.websockets.next.WebSocketConnection;

/** The WebSocket connections open on this replica, by user. */
@ApplicationScoped
public class ConnectionRegistry {

    private final Map<String, Set<WebSocketConnection>> byUser = new ConcurrentHashMap<>();

    /** @return true when this is the user's first connection on this replica */
    public boolean add(String userId, WebSocketConnection connection) {
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
    public boolean remove(String userId, WebSocketConnection connection) {
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

    public boolean hasLocal(String userId) {
        return byUser.containsKey(userId);
    }

    public int users() {
        return byUser.size();
    }
}
