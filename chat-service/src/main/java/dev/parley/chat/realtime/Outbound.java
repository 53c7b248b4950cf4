package dev.parley.chat.realtime;

import java.util.concurrent.atomic.LongAdder;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.WebSocketConnection;

import dev.parley.chat.ChatConfig;

/**
 * Every frame the server sends to a socket goes through here, so that no socket can make the
 * replica hold more than {@code parley.chat.socket.outbound-budget} bytes for it. A frame's bytes
 * count as queued from the send until Vert.x completes the write (it does once the bytes are handed
 * to the operating system's socket, so a peer that reads keeps its count near 0). A send that would
 * take a socket past its budget is not made: the socket is closed with 1008 {@code slow_consumer}
 * and everything later for it is dropped; its client reconnects and {@code sync}s. Frames already
 * queued stay until the close completes (the peer answers, or Vert.x's closing timeout ends the TCP
 * connection), and are then released: the budget is the most a slow socket ever holds.
 *
 * <p>websockets-next 3.33.2 has no pending-message limit of its own (none is served in a newer
 * 3.33.x here), hence this count. Counted once per recipient connection, never per frame copy: a
 * fanned-out frame is one String shared by every recipient.
 */
@ApplicationScoped
public class Outbound {

    private static final Logger LOG = Logger.getLogger(Outbound.class);
    static final short POLICY_VIOLATION = 1008;

    private final int budget;
    private final LongAdder queued = new LongAdder();
    private final LongAdder slowClosed = new LongAdder();

    public Outbound(ChatConfig config) {
        this.budget = config.socket().outboundBudget();
    }

    /** Sends a frame to one socket within its budget (fire and forget: the caller never waits for the peer). */
    void send(WebSocketConnection connection, String json) {
        send(connection, json, utf8Length(json));
    }

    /** The same with the frame's UTF-8 length known (a fanned-out frame is measured once for all its recipients). */
    void send(WebSocketConnection connection, String json, int bytes) {
        SocketSession session = connection.userData().get(ChatSocket.SESSION);
        if (session == null || !connection.isOpen()) {
            return; // not admitted (too many sockets), or gone
        }
        switch (session.reserve(bytes, budget)) {
            case SocketSession.RESERVED -> {
                queued.add(bytes);
                connection.sendText(json).subscribe().with(ok -> sent(session, bytes), failure -> {
                    sent(session, bytes);
                    LOG.debugf("Could not deliver to connection %s: %s", connection.id(), failure.getMessage());
                });
            }
            case SocketSession.OVER_BUDGET -> {
                slowClosed.increment();
                LOG.infof("ws slow consumer user=%s connection=%s: %d bytes not yet written, closing", session.userId,
                        connection.id(), session.queued());
                connection.close(new CloseReason(POLICY_VIOLATION, "slow_consumer")).subscribe().with(ok -> {
                }, failure -> {
                });
            }
            default -> {
                // closing already: dropped, the client syncs after its reconnect
            }
        }
    }

    private void sent(SocketSession session, int bytes) {
        session.release(bytes);
        queued.add(-bytes);
    }

    /** Bytes handed to sockets and not yet written, over every socket of this replica (a gauge for metrics). */
    public long queuedBytes() {
        return queued.sum();
    }

    /** Sockets closed as slow consumers since start (a counter for metrics). */
    public long slowConsumersClosed() {
        return slowClosed.sum();
    }

    /**
     * UTF-8 length without encoding: the frame's size on the wire (its payload), measured once per
     * event. Written out because {@code String.getBytes} would copy every frame once more only to
     * count it.
     */
    static int utf8Length(String text) {
        int bytes = text.length();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= 0x80) {
                if (c < 0x800) {
                    bytes += 1;
                } else if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                    bytes += 2; // 4 bytes for the pair of 2 chars
                    i++;
                } else {
                    bytes += 2;
                }
            }
        }
        return bytes;
    }
}
