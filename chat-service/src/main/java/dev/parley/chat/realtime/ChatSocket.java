package dev.parley.chat.realtime;

import jakarta.annotation.security.RolesAllowed;

import org.jboss.logging.Logger;

import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.InboundProcessingMode;
import io.quarkus.websockets.next.OnBinaryMessage;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnError;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnPongMessage;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.UserData.TypedKey;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;

import dev.parley.chat.ChatConfig;
import dev.parley.chat.presence.PresenceTracker;

/**
 * The real-time endpoint. The upgrade needs a valid access token (header, or the
 * {@code access_token} query parameter for browsers); the socket is closed with 1008 when that
 * token expires, and the client reconnects with a fresh one and {@code sync}s.
 *
 * <p>Inbound frames: websockets-next's default (SERIAL) mode queues every frame that arrives while
 * one is being handled, without bound and before this class sees it. So the endpoint runs
 * CONCURRENT, which calls {@link #message} on the connection's event loop as each frame arrives, in
 * arrival order; here each frame is rate-limited and counted on arrival, then handled one at a time
 * in that order ({@link SocketSession#arrive}): sends keep their order (the writer numbers them as
 * they come), and every reply comes back in the order of the requests. A frame that arrives with
 * {@code max-in-flight} frames in flight is refused with {@code error} {@code busy}. Outbound, every
 * frame goes through {@link Outbound} and its per-socket byte budget; nothing here waits for a peer
 * to read.
 */
@WebSocket(path = "/ws", inboundProcessingMode = InboundProcessingMode.CONCURRENT)
@RolesAllowed("user")
public class ChatSocket {

    private static final Logger LOG = Logger.getLogger(ChatSocket.class);
    static final TypedKey<SocketSession> SESSION = new TypedKey<>("parley.session");
    static final TypedKey<Caller> CALLER = new TypedKey<>("parley.caller");

    /** Who opened the socket and until when (epoch seconds), taken from the token by {@link SocketAdmission}. */
    record Caller(String userId, long expiresAt) {
    }
    static final short POLICY_VIOLATION = SocketSweeper.POLICY_VIOLATION;
    static final short MESSAGE_TOO_BIG = 1009;

    private final SocketProtocol protocol;
    private final ConnectionRegistry registry;
    private final PresenceTracker presence;
    private final Outbound outbound;
    private final ChatConfig config;
    private final SocketSession.Pace[] paces;
    private final int maxInFlight;
    private final long waitBudgetNanos;
    private final Refusals refusals;

    public ChatSocket(SocketProtocol protocol, ConnectionRegistry registry, PresenceTracker presence, Outbound outbound,
            ChatConfig config, Refusals refusals) {
        this.refusals = refusals;
        this.protocol = protocol;
        this.registry = registry;
        this.presence = presence;
        this.outbound = outbound;
        this.config = config;
        this.paces = SocketSession.Pace.all(config.socket());
        this.maxInFlight = config.socket().maxInFlight();
        this.waitBudgetNanos = config.socket().waitBudget().toNanos();
    }

    @OnOpen
    public Uni<Void> open(WebSocketConnection connection) {
        Caller caller = connection.userData().remove(CALLER);
        String userId = caller.userId();
        // the session goes in before registering: fan-out sends only to connections with one
        SocketSession session = new SocketSession(userId, caller.expiresAt() * 1000, paces);
        connection.userData().put(SESSION, session);
        return registry.opened(userId, connection).chain(admitted -> {
            if (!admitted) {
                // another upgrade of the same user's passed the admission check at the same moment
                connection.userData().remove(SESSION);
                LOG.infof("ws rejected user=%s connection=%s: too many sockets", userId, connection.id());
                refusals.refused("too_many_sockets");
                return connection.close(new CloseReason(POLICY_VIOLATION, "too_many_sockets"));
            }
            // closed by the SocketSweeper once this passes
            LOG.infof("ws open user=%s connection=%s origin=%s", userId, connection.id(),
                    connection.handshakeRequest().header("Origin"));
            return presence.connected(userId);
        });
    }

    /** On the connection's event loop, as the frame arrives (CONCURRENT mode): nothing waits before these checks. */
    @OnTextMessage
    public Uni<Void> message(WebSocketConnection connection, String frame) {
        SocketSession session = connection.userData().get(SESSION);
        if (session == null) {
            return Uni.createFrom().voidItem(); // refused (too many sockets) and closing
        }
        session.heard();
        if (!session.allowFrame()) {
            refusals.refused("frame_rate");
            refuse(connection, session, "rate_limited", "Too many frames; slow down", SocketProtocol.quickRef(frame));
        } else {
            switch (session.arrive(frame, maxInFlight)) {
                case SocketSession.HANDLE_NOW -> handle(connection, session, frame, Vertx.currentContext(), Thread.currentThread());
                case SocketSession.BUSY -> {
                    // not a strike: a slow server makes honest clients meet this too
                    refusals.refused("busy");
                    outbound.send(connection, SocketProtocol.refusal("busy",
                            "Too many frames waiting for an answer (at most " + maxInFlight + "); wait for replies",
                            SocketProtocol.quickRef(frame)));
                }
                default -> {
                    // waits behind the frame being handled; handle() starts it when that one is done
                }
            }
        }
        return Uni.createFrom().voidItem();
    }

    /** Handles a frame, then the next waiting one, back on the event loop: the in-flight count is event-loop confined. */
    private void handle(WebSocketConnection connection, SocketSession session, String frame, Context loop, Thread loopThread) {
        protocol.handle(session, connection.id(), frame).subscribe().with(reply -> {
            if (reply != null) {
                outbound.send(connection, reply);
            }
            if (Thread.currentThread() == loopThread) {
                next(connection, session, loop, loopThread);
            } else {
                loop.runOnContext(v -> next(connection, session, loop, loopThread));
            }
        }, failure -> loop.runOnContext(v -> {
            LOG.errorf(failure, "ws frame failed connection=%s", connection.id());
            next(connection, session, loop, loopThread);
        }));
    }

    private void next(WebSocketConnection connection, SocketSession session, Context loop, Thread loopThread) {
        SocketSession.Waiting waiting = session.handled();
        while (waiting != null && System.nanoTime() - waiting.arrivedAt() > waitBudgetNanos) {
            // waited past the budget: refused, not handled, so what is handled is answered promptly
            refusals.refused("wait_budget");
            outbound.send(connection, SocketProtocol.refusal("overloaded", "The server is busy; retry shortly",
                    SocketProtocol.quickRef(waiting.frame())));
            waiting = session.handled();
        }
        if (waiting != null) {
            handle(connection, session, waiting.frame(), loop, loopThread);
        }
    }

    /** A refused frame: an error (within the outbound budget), and a strike; too many strikes close the socket. */
    private void refuse(WebSocketConnection connection, SocketSession session, String code, String message, String ref) {
        if (session.strike(config.socket().floodStrikes())) {
            LOG.infof("ws flood user=%s connection=%s: closing", session.userId, connection.id());
            refusals.refused("flood_close");
            connection.close(new CloseReason(POLICY_VIOLATION, "flood")).subscribe().with(ok -> {
            }, failure -> {
            });
            return;
        }
        outbound.send(connection, SocketProtocol.refusal(code, message, ref));
    }

    /** The protocol is JSON text: a binary frame is answered with an error, and the socket carries on. */
    @OnBinaryMessage
    public Uni<Void> binary(WebSocketConnection connection, Buffer frame) {
        SocketSession session = connection.userData().get(SESSION);
        if (session != null) {
            session.heard();
            if (!session.allowFrame()) {
                refuse(connection, session, "rate_limited", "Too many frames; slow down", null);
            } else {
                outbound.send(connection, protocol.error("unsupported_frame", "Frames are JSON text; binary frames are not read", null));
            }
        }
        return Uni.createFrom().voidItem();
    }

    /** The answer to the server's automatic pings: the peer is alive. */
    @OnPongMessage
    public void pong(WebSocketConnection connection, Buffer data) {
        SocketSession session = connection.userData().get(SESSION);
        if (session != null) {
            session.heard();
        }
    }

    /**
     * Transport failures. A message over {@code max-message-size} (but within the frame limit) is
     * reported here by Vert.x with the socket still open: it is closed with 1009. A frame over
     * {@code max-frame-size} makes Vert.x drop the TCP connection itself (1006 for the client).
     */
    @OnError
    public Uni<Void> failed(WebSocketConnection connection, Throwable failure) {
        LOG.infof("ws failure connection=%s: %s", connection.id(), failure.getMessage());
        if (failure instanceof IllegalStateException && failure.getMessage() != null
                && failure.getMessage().contains("max message size") && connection.isOpen()) {
            return connection.close(new CloseReason(MESSAGE_TOO_BIG, "message_too_big"));
        }
        return Uni.createFrom().voidItem();
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
