package dev.parley.load.fuzz;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.parley.load.fuzz.FuzzCases.FrameCase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;

/**
 * One fuzzing worker's socket. A case is one frame followed by a barrier (an unknown event with an
 * id, answered with an {@code error} after everything sent before it): the barrier's answer proves
 * the frame was handled, whether or not it has a reply of its own. A socket the server closes is
 * opened again for the next case.
 */
final class FuzzSocket implements AutoCloseable {

    /** Closes that say why: 1002 protocol_error, 1003 unsupported data, 1007 bad payload, 1008 policy (flood), 1009 too big. */
    static final Set<Integer> EXPECTED_CLOSES = Set.of(1002, 1003, 1007, 1008, 1009);

    /** What came back: the case's own error code (if any), or the close, or nothing (stuck). */
    record Answer(String errorCode, Integer closeCode, String closeReason, boolean stuck) {
        String summary() {
            if (stuck) {
                return "stuck";
            }
            if (closeCode != null) {
                return "closed " + closeCode + " " + closeReason;
            }
            return errorCode == null ? "handled" : "error " + errorCode;
        }
    }

    private final Vertx vertx;
    private final URI gateway;
    private final String token;
    private final Duration deadline;
    private WebSocketClient client;
    private WebSocket socket;
    private CompletableFuture<Answer> closed;
    private volatile String caseId;
    private volatile String caseError;
    private volatile String barrierId;
    private volatile CompletableFuture<Void> barrier;
    private long barriers;

    FuzzSocket(Vertx vertx, URI gateway, String token, Duration deadline) {
        this.vertx = vertx;
        this.gateway = gateway;
        this.token = token;
        this.deadline = deadline;
    }

    Answer exchange(FrameCase c) throws Exception {
        if (socket == null || closed.isDone()) {
            open();
        }
        caseId = c.id();
        caseError = null;
        barrierId = "barrier-" + (++barriers);
        barrier = new CompletableFuture<>();
        if (c.binary()) {
            socket.writeBinaryMessage(Buffer.buffer(c.payload()));
        } else {
            socket.writeTextMessage(new String(c.payload(), StandardCharsets.UTF_8));
        }
        socket.writeTextMessage(new JsonObject().put("event", "fuzz:barrier").put("id", barrierId).put("data", new JsonObject())
                .encode());
        try {
            Object first = CompletableFuture.anyOf(barrier, closed).get(deadline.toMillis(), TimeUnit.MILLISECONDS);
            if (first instanceof Answer close) {
                return close;
            }
            return new Answer(caseError, null, null, false);
        } catch (TimeoutException e) {
            Answer stuck = new Answer(null, null, null, true);
            closeQuietly();
            return stuck;
        }
    }

    private void open() throws Exception {
        closeQuietly();
        client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxMessageSize(16 << 20).setMaxFrameSize(1 << 20));
        WebSocketConnectOptions connect = new WebSocketConnectOptions().setHost(gateway.getHost()).setPort(gateway.getPort())
                .setURI("/ws").addHeader("Authorization", "Bearer " + token).setAllowOriginHeader(false);
        CompletableFuture<Answer> closing = new CompletableFuture<>();
        WebSocket ws = client.connect(connect).toCompletionStage().toCompletableFuture().get(deadline.toMillis(), TimeUnit.MILLISECONDS);
        ws.textMessageHandler(this::received);
        ws.closeHandler(v -> closing.complete(new Answer(null, ws.closeStatusCode() == null ? -1 : (int) ws.closeStatusCode(),
                ws.closeReason(), false)));
        ws.exceptionHandler(e -> { });
        socket = ws;
        closed = closing;
    }

    private void received(String text) {
        JsonObject frame;
        try {
            frame = new JsonObject(text);
        } catch (RuntimeException e) {
            caseError = "unparseable frame from the server";
            return;
        }
        JsonObject data = frame.getValue("data") instanceof JsonObject d ? d : new JsonObject();
        String ref = data.getString("ref", frame.getString("id"));
        if ("error".equals(frame.getString("event"))) {
            if (ref != null && ref.equals(barrierId)) {
                barrier.complete(null);
            } else if (ref == null || ref.equals(caseId)) {
                caseError = data.getString("code");
            }
        }
    }

    private void closeQuietly() {
        if (client != null) {
            client.close();
            client = null;
            socket = null;
        }
    }

    @Override
    public void close() {
        closeQuietly();
    }
}
