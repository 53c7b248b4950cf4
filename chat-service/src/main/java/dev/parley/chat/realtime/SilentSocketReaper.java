package dev.parley.chat.realtime;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.OpenConnections;
import io.vertx.core.Vertx;

import dev.parley.chat.ChatConfig;

/**
 * Closes sockets whose peer has gone silent: the server pings every socket (auto-ping-interval),
 * a live peer answers with a pong, so a socket that sent neither a frame nor a pong for
 * {@code reap-after} belongs to a peer that vanished without closing (a dropped network).
 */
@ApplicationScoped
public class SilentSocketReaper {

    private static final Logger LOG = Logger.getLogger(SilentSocketReaper.class);
    private static final short GOING_AWAY = 1001;

    void start(@Observes StartupEvent event, Vertx vertx, OpenConnections connections, ChatConfig config) {
        Duration limit = config.socket().reapAfter();
        vertx.setPeriodic(Math.max(500, limit.toMillis() / 3), id -> connections.forEach(connection -> {
            SocketSession session = connection.userData().get(ChatSocket.SESSION);
            if (session != null && session.silentFor(limit)) {
                LOG.infof("ws reaped user=%s connection=%s: silent for over %s", session.userId, connection.id(), limit);
                connection.close(new CloseReason(GOING_AWAY, "silent")).subscribe().with(ok -> {
                }, failure -> {
                });
            }
        }));
    }
}
