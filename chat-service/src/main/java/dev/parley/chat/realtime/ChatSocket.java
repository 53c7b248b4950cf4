package dev.parley.chat.realtime;

import jakarta.annotation.security.RolesAllowed;

import org.jboss.logging.Logger;

import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnError;
import io.quarkus.websockets.next.OnPongMessage;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.UserData.TypedKey;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;

import dev.parley.chat.ChatConfig;
import dev.parley.chat.presence.PresenceTracker;

/**
 * The real-time endpoint. The upgrade needs a valid access token (header, or the
 * {@code access_token} query parameter for browsers); the socket is closed with 1008 when that
 * token expires, and the client reconnects with a fresh one and {@code sync}s.
 */
@WebSocket(path = "/ws")
@RolesAllowed("user")
public class ChatSocket {

    private static final Logger LOG = Logger.getLogger(ChatSocket.class);
    static final TypedKey<SocketSession> SESSION = new TypedKey<>("parley.session");
    static final TypedKey<Caller> CALLER = new TypedKey<>("parley.caller");

    /** Who opened the socket and until when (epoch seconds), taken from the token by {@link SocketAdmission}. */
    record Caller(String userId, long expiresAt) {
    }
    static final short POLICY_VIOLATION = SocketSweeper.POLICY_VIOLATION;

    private final SocketProtocol protocol;
    private final ConnectionRegistry registry;
    private final PresenceTracker presence;
    private final ChatConfig config;
    private final SocketSession.Pace frames;
    private final SocketSession.Pace typing;

    public ChatSocket(SocketProtocol protocol, ConnectionRegistry registry, PresenceTracker presence, ChatConfig config) {
        this.protocol = protocol;
        this.registry = registry;
        this.presence = presence;
        this.config = config;
        this.frames = SocketSession.Pace.frames(config.socket());
        this.typing = SocketSession.Pace.typing(config.socket());
    }

    @OnOpen
    public Uni<Void> open(WebSocketConnection connection) {
        Caller caller = connection.userData().remove(CALLER);
        String userId = caller.userId();
        // closed by the SocketSweeper once this passes
        connection.userData().put(SESSION, new SocketSession(userId, caller.expiresAt() * 1000, frames, typing));
        LOG.infof("ws open user=%s connection=%s origin=%s", userId, connection.id(),
                connection.handshakeRequest().header("Origin"));
        return registry.opened(userId, connection).chain(() -> presence.connected(userId));
    }

    @OnTextMessage
    public Uni<Void> message(WebSocketConnection connection, String frame) {
        SocketSession session = connection.userData().get(SESSION);
        session.heard();
        if (!session.allowFrame()) {
            if (session.strike(config.socket().floodStrikes())) {
                LOG.infof("ws flood user=%s connection=%s: closing", session.userId, connection.id());
                return connection.close(new CloseReason(POLICY_VIOLATION, "flood"));
            }
            return connection.sendText(protocol.error("rate_limited", "Too many frames; slow down", null));
        }
        return protocol.handle(session, connection.id(), frame)
                .chain(reply -> reply == null ? Uni.createFrom().voidItem() : connection.sendText(reply));
    }

    /** The answer to the server's automatic pings: the peer is alive. */
    @OnPongMessage
    public void pong(WebSocketConnection connection, Buffer data) {
        SocketSession session = connection.userData().get(SESSION);
        if (session != null) {
            session.heard();
        }
    }

    /** Transport failures (a frame over the size limit, a reset peer): the socket is gone, nothing else is. */
    @OnError
    public void failed(WebSocketConnection connection, Throwable failure) {
        LOG.infof("ws failure connection=%s: %s", connection.id(), failure.getMessage());
    }

    @OnClose
    public Uni<Void> close(WebSocketConnection connection) {
        SocketSession session = connection.userData().get(SESSION);
        if (session == null) {
            return Uni.createFrom().voidItem();
        }
        CloseReason reason = connection.closeReason();
        LOG.infof("ws close user=%s connection=%s code=%s", session.userId, connection.id(),
                reason == null ? "none" : reason.getCode());
        return registry.closed(session.userId, connection).chain(() -> presence.disconnected(session.userId));
    }
}
