package dev.parley.gateway.routing;

import java.util.function.Consumer;

import org.jboss.logging.Logger;

import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketBase;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;

/**
 * One client's socket joined to its chat-service socket. Frames are relayed one by one as they
 * come (text, binary and continuation frames untouched, so chat-service owns the protocol), with
 * back-pressure both ways, and every close is passed on.
 *
 * <ul>
 * <li><b>Back-pressure</b>: when the side a frame went to has {@code writeQueueMaxSize} bytes
 * queued, the side it came from is paused until that queue has drained by half. A paused socket
 * stops reading its connection once Vert.x holds 16 frames for it, so TCP pushes back on the
 * sender; per direction the gateway holds at most the write queue, one frame over it, and those
 * 16 frames of at most 64 KiB.
 * <li><b>Closes</b>: a close frame from either side goes to the other with its code and reason, in
 * order after the frames before it. A chat-service connection that ends without one (a reset, a
 * killed replica) closes the client with 1012 {@code upstream_lost}: reconnect and sync. A client
 * that vanishes closes the chat-service side with 1001 {@code client_gone}.
 * <li><b>Limits</b>: a client message over {@code max-message-size} (one frame, or the sum of its
 * continuation frames) closes both sides with 1009 {@code message_too_big}; any other broken
 * frame from the client with 1002 {@code protocol_error}.
 * <li><b>Pings</b>: Vert.x answers a ping on each hop itself (it cannot be told not to), so pongs
 * are never relayed and neither are a client's pings. chat-service's pings are passed on to the
 * client, which keeps an idle client's path warm and lets a vanished client show up as a failed
 * write.
 * </ul>
 *
 * <p>Both sockets live on the event loop of the client's connection, so none of this needs locks.
 */
final class Tunnel {

    static final short UPSTREAM_LOST = 1012;
    static final String UPSTREAM_LOST_REASON = "upstream_lost";
    static final short CLIENT_GONE = 1001;
    static final String CLIENT_GONE_REASON = "client_gone";
    static final String TOO_BIG_REASON = "message_too_big";
    static final String PROTOCOL_ERROR_REASON = "protocol_error";

    private static final Logger LOG = Logger.getLogger(Tunnel.class);
    /** The name of Vert.x's own handler in a connection's Netty pipeline. */
    private static final String VERTX_HANDLER = "handler";
    /** How long a client refused for a broken frame has to close its side before the gateway does. */
    private static final long CLOSE_GRACE_MILLIS = 10_000;

    /** How the client's socket ended: the code it saw or sent (1006: none) and which side ended it. */
    record Ending(int code, String endedBy) {
    }

    private final ServerWebSocket client;
    private final WebSocket upstream;
    private final long maxMessageBytes;
    private final Consumer<Ending> onClientClosed;
    private long messageBytes;
    /** Which side ended the tunnel first: "client", "chat-service" or "gateway" (a limit). */
    private String endedBy;
    /** The close the gateway itself gave the client, passed on to chat-service too. */
    private short refusedCode;
    private String refusedReason;

    private Tunnel(ServerWebSocket client, WebSocket upstream, long maxMessageBytes, Consumer<Ending> onClientClosed) {
        this.client = client;
        this.upstream = upstream;
        this.maxMessageBytes = maxMessageBytes;
        this.onClientClosed = onClientClosed;
    }

    /**
     * Starts relaying between the two (the upstream socket may be paused: it is resumed here);
     * {@code clientConnection} is the connection the client's socket runs on;
     * {@code onClientClosed} runs once, when the client's socket has closed.
     */
    static void join(ServerWebSocket client, HttpConnection clientConnection, WebSocket upstream, long maxMessageBytes, int writeQueueMaxBytes,
            Consumer<Ending> onClientClosed) {
        Tunnel tunnel = new Tunnel(client, upstream, maxMessageBytes, onClientClosed);
        client.setWriteQueueMaxSize(writeQueueMaxBytes);
        upstream.setWriteQueueMaxSize(writeQueueMaxBytes);
        client.frameHandler(tunnel::fromClient);
        upstream.frameHandler(tunnel::fromUpstream);
        client.exceptionHandler(failure -> LOG.debugf("client side of a tunnel failed: %s", failure.toString()));
        if (clientConnection instanceof ConnectionBase connection) { // always, for HTTP/1.1: the only kind with WebSockets
            connection.channelHandlerContext().pipeline()
                    .addBefore(VERTX_HANDLER, BrokenFrameGuard.NAME, new BrokenFrameGuard(tunnel::broken, CLOSE_GRACE_MILLIS));
        }
        upstream.exceptionHandler(failure -> LOG.debugf("chat-service side of a tunnel failed: %s", failure.toString()));
        client.closeHandler(v -> tunnel.clientClosed());
        upstream.closeHandler(v -> tunnel.upstreamClosed());
        upstream.resume();
    }

    private void fromClient(WebSocketFrame frame) {
        switch (frame.type()) {
            case TEXT, BINARY, CONTINUATION -> {
                int length = frame.binaryData().length();
                messageBytes = frame.isContinuation() ? messageBytes + length : length;
                if (messageBytes > maxMessageBytes) {
                    refuse(WebSocketCloseStatus.MESSAGE_TOO_BIG.code(), TOO_BIG_REASON);
                    client.close(refusedCode, refusedReason);
                    upstream.close(refusedCode, refusedReason);
                    return;
                }
                relay(frame, client, upstream);
            }
            case CLOSE -> passOnClose(frame, upstream, "client");
            default -> {
                // a ping was answered by Vert.x already; a pong answers the ping chat-service sent
            }
        }
    }

    private void fromUpstream(WebSocketFrame frame) {
        switch (frame.type()) {
            case TEXT, BINARY, CONTINUATION, PING -> relay(frame, upstream, client);
            case CLOSE -> passOnClose(frame, client, "chat-service");
            default -> {
                // a pong answers a ping nobody relayed
            }
        }
    }

    private void relay(WebSocketFrame frame, WebSocketBase from, WebSocketBase to) {
        if (to.isClosed() || refusedReason != null) {
            return; // closing: the close passed on is the last word
        }
        to.writeFrame(frame);
        if (to.writeQueueFull()) {
            from.pause();
            to.drainHandler(v -> from.resume());
        }
    }

    private void passOnClose(WebSocketFrame close, WebSocketBase to, String side) {
        if (endedBy == null) {
            endedBy = side;
        }
        to.close(close.closeStatusCode(), close.closeReason());
    }

    /** A frame from the client that Netty refused; {@link BrokenFrameGuard} closes the client's side. */
    private void broken(int code, String reason) {
        refuse(code, reason);
        upstream.close(refusedCode, refusedReason);
    }

    private void refuse(int code, String reason) {
        refusedCode = (short) code;
        refusedReason = reason;
        if (endedBy == null) {
            endedBy = "gateway";
        }
    }

    private void clientClosed() {
        if (refusedReason != null) {
            upstream.close(refusedCode, refusedReason);
        } else if (client.closeStatusCode() == null) {
            // no close frame: the client's connection just ended
            endedBy = endedBy == null ? "client" : endedBy;
            upstream.close(CLIENT_GONE, CLIENT_GONE_REASON);
        }
        // otherwise its close frame is passed on in order, from fromClient
        Short code = refusedReason != null ? Short.valueOf(refusedCode) : client.closeStatusCode();
        onClientClosed.accept(new Ending(code == null ? 1006 : code, endedBy == null ? "client" : endedBy));
    }

    private void upstreamClosed() {
        if (upstream.closeStatusCode() == null) {
            // no close frame: a reset, a killed replica; the client reconnects and syncs
            endedBy = endedBy == null ? "chat-service" : endedBy;
            client.close(UPSTREAM_LOST, UPSTREAM_LOST_REASON);
        }
    }
}
