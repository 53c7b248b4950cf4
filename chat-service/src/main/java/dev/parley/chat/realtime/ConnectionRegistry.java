package dev.parley.chat.realtime;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;

import dev.parley.chat.ChatConfig;

/**
 * The WebSocket connections open on this replica, by user (what fan-out delivers to, for events
 * from this replica and from others through the {@link ReplicaRelay}).
 * A user has at most {@code parley.chat.socket.max-sockets-per-user} here: {@link SocketAdmission}
 * refuses the upgrade past it, and {@link #opened} keeps it exact when two upgrades race.
 */
@ApplicationScoped
public class ConnectionRegistry {

    private final Map<String, Set<WebSocketConnection>> byUser = new ConcurrentHashMap<>();
    private final int maxPerUser;

    public ConnectionRegistry(ChatConfig config) {
        this.maxPerUser = config.socket().maxSocketsPerUser();
    }

    /**
     * Registers a connection (at once, not on subscription).
     * @return false when the user has the most sockets allowed here already: the connection is not registered
     */
    public Uni<Boolean> opened(String userId, WebSocketConnection connection) {
        return switch (add(userId, connection)) {
            case FIRST, ANOTHER -> Uni.createFrom().item(true);
            default -> Uni.createFrom().item(false);
        };
    }

    /** Sockets open on this replica (for metrics: one pass over the users, at scrape time). */
    public int connections() {
        int open = 0;
        for (Set<WebSocketConnection> sockets : byUser.values()) {
            open += sockets.size();
        }
        return open;
    }

    /** Users with a socket on this replica. */
    public int users() {
        return byUser.size();
    }

    /** Whether the user may open one more socket here (checked again, exactly, when it opens). */
    boolean roomFor(String userId) {
        return of(userId).size() < maxPerUser;
    }

    public Uni<Void> closed(String userId, WebSocketConnection connection) {
        remove(userId, connection);
        return Uni.createFrom().voidItem();
    }

    private enum Added {
        FIRST, ANOTHER, FULL
    }

    private Added add(String userId, WebSocketConnection connection) {
        Added[] added = { Added.ANOTHER };
        byUser.compute(userId, (id, set) -> {
            if (set == null) {
                set = ConcurrentHashMap.newKeySet();
                added[0] = Added.FIRST;
            } else if (set.size() >= maxPerUser) {
                added[0] = Added.FULL;
                return set;
            }
            set.add(connection);
            return set;
        });
        return added[0];
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
