package dev.parley.gateway.ratelimit;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;

import dev.parley.gateway.GatewayConfig;

/**
 * How many WebSockets each user holds at this gateway instance, capped at
 * {@code parley.gateway.websocket.max-sockets-per-user}. A socket takes a slot before chat-service
 * is contacted and gives it back when it closes (or when it never opened).
 *
 * <p>Memory is bounded by the sockets themselves: a user with no open socket has no entry.
 */
@ApplicationScoped
public class SocketQuota {

    private final ConcurrentHashMap<String, Integer> open = new ConcurrentHashMap<>();
    private final int max;

    public SocketQuota(GatewayConfig config) {
        this.max = config.websocket().maxSocketsPerUser();
        if (max < 1) {
            throw new IllegalArgumentException("parley.gateway.websocket.max-sockets-per-user must be at least 1");
        }
    }

    public int max() {
        return max;
    }

    /** A slot for one more socket of this user, or null when the user already holds the maximum. */
    public Slot take(String user) {
        boolean[] taken = new boolean[1];
        open.compute(user, (u, count) -> {
            int now = count == null ? 0 : count;
            if (now >= max) {
                return count;
            }
            taken[0] = true;
            return now + 1;
        });
        return taken[0] ? new Slot(user) : null;
    }

    /** Sockets this user holds now. */
    public int held(String user) {
        return open.getOrDefault(user, 0);
    }

    /** One socket's place in its user's count; giving it back twice gives it back once. */
    public final class Slot {
        private final String user;
        private final AtomicBoolean returned = new AtomicBoolean();

        private Slot(String user) {
            this.user = user;
        }

        public void giveBack() {
            if (returned.compareAndSet(false, true)) {
                open.computeIfPresent(user, (u, count) -> count <= 1 ? null : count - 1);
            }
        }
    }
}
