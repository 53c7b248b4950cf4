package dev.parley.chat.realtime;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.OpenConnections;
import io.quarkus.websockets.next.WebSocketConnection;
import io.vertx.core.Vertx;

import dev.parley.chat.ChatConfig;

/**
 * Once a second, walks the open sockets and closes those that must go:
 * <ul>
 * <li>a socket whose access token has expired, with 1008 {@code token_expired} (the client
 * reconnects with a fresh token and {@code sync}s);</li>
 * <li>a socket whose peer has gone silent: the server pings every socket (auto-ping-interval), a
 * live peer answers with a pong, so a socket that sent neither a frame nor a pong for
 * {@code reap-after} belongs to a peer that vanished without closing (a dropped network).</li>
 * </ul>
 * And once, when the replica relay is back after an outage ({@link ReplicaRelay.Restored}), it closes
 * every socket open here with 1012 {@code relay_restored}: they may have missed events from other
 * replicas while it was down, and the client's answer to a close (reconnect, {@code sync}) is what
 * catches them up (docs/reliability.md). The same for a user's sockets when another replica's relay
 * was down and dropped events for them ({@link ReplicaRelay.Missed}).
 * <p>One periodic walk instead of a timer per socket: a timer per socket costs heap on every socket,
 * the walk a few milliseconds a second (docs/benchmarks.md, connections).
 */
@ApplicationScoped
public class SocketSweeper {

    private static final Logger LOG = Logger.getLogger(SocketSweeper.class);
    private static final short GOING_AWAY = 1001;
    static final short POLICY_VIOLATION = 1008;
    static final short SERVICE_RESTART = 1012;

    void start(@Observes StartupEvent event, Vertx vertx, OpenConnections connections, ChatConfig config) {
        Duration silence = config.socket().reapAfter();
        vertx.setPeriodic(1000, id -> {
            long now = System.currentTimeMillis();
            connections.forEach(connection -> sweep(connection, now, silence));
        });
    }

    void relayRestored(@Observes ReplicaRelay.Restored restored, OpenConnections connections) {
        int[] closed = { 0 };
        connections.forEach(connection -> {
            if (connection.userData().get(ChatSocket.SESSION) != null) {
                closed[0]++;
                close(connection, new CloseReason(SERVICE_RESTART, "relay_restored"));
            }
        });
        LOG.debugf("Relay back after %d ms without Redis: closed %d socket(s) with 1012 relay_restored", restored.downMillis(),
                closed[0]);
    }

    /** Another replica dropped events for this user while its relay was down: their sockets here sync too. */
    void eventsMissed(@Observes ReplicaRelay.Missed missed, ConnectionRegistry registry) {
        for (WebSocketConnection connection : registry.of(missed.userId())) {
            close(connection, new CloseReason(SERVICE_RESTART, "relay_restored"));
        }
    }

    private static void sweep(WebSocketConnection connection, long now, Duration silence) {
        SocketSession session = connection.userData().get(ChatSocket.SESSION);
        if (session == null) {
            return;
        }
        if (session.expiredAt(now)) {
            LOG.infof("ws token expired user=%s connection=%s", session.userId, connection.id());
            close(connection, new CloseReason(POLICY_VIOLATION, "token_expired"));
        } else if (session.silentFor(silence)) {
            LOG.infof("ws reaped user=%s connection=%s: silent for over %s", session.userId, connection.id(), silence);
            close(connection, new CloseReason(GOING_AWAY, "silent"));
        }
    }

    private static void close(WebSocketConnection connection, CloseReason reason) {
        connection.close(reason).subscribe().with(ok -> {
        }, failure -> {
        });
    }
}
