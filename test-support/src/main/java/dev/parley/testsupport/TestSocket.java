package dev.parley.testsupport;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;

/** A real WebSocket client for tests: keeps every frame it receives, in order, and waits for them. */
public final class TestSocket implements AutoCloseable {

    public static final Duration WAIT = Duration.ofSeconds(10);

    private final WebSocketClient client;
    private final WebSocket socket;
    private final List<JsonObject> frames = new ArrayList<>();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();

    private TestSocket(WebSocketClient client, WebSocket socket) {
        this.client = client;
        this.socket = socket;
        socket.textMessageHandler(text -> {
            synchronized (frames) {
                frames.add(new JsonObject(text));
                frames.notifyAll();
            }
        });
        socket.closeHandler(v -> closed.complete(socket.closeStatusCode() == null ? -1 : (int) socket.closeStatusCode()));
    }

    public static TestSocket connect(Vertx vertx, URI uri, String token) throws Exception {
        return connect(vertx, uri, token == null ? Map.of() : Map.of("Authorization", "Bearer " + token));
    }

    public static TestSocket connect(Vertx vertx, URI uri, Map<String, String> headers) throws Exception {
        WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxMessageSize(1 << 20)
                .setMaxFrameSize(1 << 20));
        WebSocketConnectOptions options = new WebSocketConnectOptions().setHost(uri.getHost()).setPort(uri.getPort())
                .setURI(uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()))
                // no Origin, like a mobile or server client, unless the test plays a browser and sets one
                .setAllowOriginHeader(headers.containsKey("Origin"));
        headers.forEach(options::addHeader);
        try {
            WebSocket socket = client.connect(options).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            return new TestSocket(client, socket);
        } catch (ExecutionException e) {
            client.close();
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    public void sendRaw(String text) {
        socket.writeTextMessage(text);
    }

    /** Sends an event with a fresh id; returns the id. */
    public String send(String event, Object data) {
        String id = UUID.randomUUID().toString();
        socket.writeTextMessage(new JsonObject().put("event", event).put("data", JsonObject.mapFrom(data)).put("id", id).encode());
        return id;
    }

    /** The first frame (received already or within the wait) that matches; it is consumed. */
    public JsonObject await(Predicate<JsonObject> match, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        synchronized (frames) {
            while (true) {
                for (int i = 0; i < frames.size(); i++) {
                    if (match.test(frames.get(i))) {
                        return frames.remove(i);
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("No " + what + " within " + WAIT.toSeconds() + " s; got " + frames);
                }
                frames.wait(TimeUnit.NANOSECONDS.toMillis(left) + 1);
            }
        }
    }

    public JsonObject await(String event) throws InterruptedException {
        return await(f -> event.equals(f.getString("event")), event);
    }

    /** The reply to the request with this id (an ack, a result or an error naming it). */
    public JsonObject reply(String id) throws InterruptedException {
        return await(f -> id.equals(f.getString("id")) || (f.getJsonObject("data") != null
                && id.equals(f.getJsonObject("data").getString("ref"))), "reply to " + id);
    }

    /**
     * Proves the server has processed everything sent before: a round trip through an unknown
     * event, whose error comes back after the replies to all earlier frames.
     */
    public void drain() throws InterruptedException {
        reply(send("test:barrier", Map.of()));
    }

    /** Frames of this event received so far (not consumed). */
    public long count(String event) {
        synchronized (frames) {
            return frames.stream().filter(f -> event.equals(f.getString("event"))).count();
        }
    }

    public int awaitClose() throws Exception {
        return closed.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    @Override
    public void close() throws Exception {
        if (!closed.isDone()) {
            socket.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            closed.get(10, TimeUnit.SECONDS);
        }
        client.close();
    }
}
