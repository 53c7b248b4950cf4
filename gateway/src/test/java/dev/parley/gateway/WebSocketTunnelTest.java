package dev.parley.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.parley.testsupport.TestJwksResource;
import dev.parley.testsupport.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.json.JsonObject;

/**
 * The tunnel itself: back-pressure from a client that does not read, closes passed on both ways
 * (and an upstream that vanishes), the message limit, what crosses the upgrade, the socket cap per
 * user, chat-service's refusals, pings, and the Upgrade header on a REST route (review L1).
 */
@QuarkusTest
@WithTestResource(StandInUpstreams.class)
@WithTestResource(TestJwksResource.class)
class WebSocketTunnelTest {

    private static final String CAROL = "64b7f0c2a1b2c3d4e5f6071a";
    private static final String DAVE = "64b7f0c2a1b2c3d4e5f6071b";
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    private static Vertx vertx;
    private static WebSocketClient client;

    StandInUpstreams.Handle upstreams;

    @TestHTTPResource("/")
    URI gateway;

    @BeforeAll
    static void startClient() {
        vertx = Vertx.vertx();
        // big enough to send frames over the gateway's limit; offers compression, which must be declined
        client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxFrameSize(256 * 1024)
                .setTryUsePerMessageCompression(true));
    }

    @AfterAll
    static void stopClient() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @BeforeEach
    void forgetEarlierRequests() {
        upstreams.clear();
    }

    /** A socket and everything that arrives on it: text frames, pings, and how it closed. */
    record Socket(WebSocket ws, MultiMap handshake, BlockingQueue<String> frames, BlockingQueue<String> pings,
            CompletableFuture<Short> closed) {
        String nextFrame() throws InterruptedException {
            String frame = frames.poll(10, TimeUnit.SECONDS);
            if (frame == null) {
                throw new AssertionError("no frame arrived");
            }
            return frame;
        }

        short closeCode() throws Exception {
            return closed.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aClientThatDoesNotReadStallsChatServicesWritesAndThenGetsEverythingInOrder() throws Exception {
        Socket socket = open(as(CAROL));
        assertEquals("welcome", socket.nextFrame());
        socket.ws().pause(); // from here on the client reads nothing
        int frames = 850; // ~50 MB
        long total = (long) frames * StandInUpstreams.FLOOD_FRAME_BYTES;
        socket.ws().writeTextMessage("flood:" + frames);

        // chat-service's writes wait for its queue to drain, and go on waiting: the gateway does not take more
        await("chat-service waits for its write queue for a second on end",
                () -> stalledFor(Duration.ofSeconds(1)));
        long written = upstreams.floodWritten.get();
        assertTrue(written < total / 2, "the gateway buffered no more than the sockets' buffers hold: " + written);

        socket.ws().resume();
        for (int i = 0; i < frames; i++) {
            String frame = socket.nextFrame();
            assertEquals(String.format("%06d:", i), frame.substring(0, 7), "frame " + i + " in order");
            assertEquals(StandInUpstreams.FLOOD_FRAME_BYTES, frame.length());
        }
        assertEquals("flood-done", socket.nextFrame());
        assertEquals(total, upstreams.floodWritten.get());
        socket.ws().close();
    }

    @Test
    void chatServicesCloseReachesTheClientWithItsCodeAndReason() throws Exception {
        Socket socket = open(as(CAROL));
        assertEquals("welcome", socket.nextFrame());
        socket.ws().writeTextMessage("close:4001:x");
        assertEquals(4001, socket.closeCode());
        assertEquals("x", socket.ws().closeReason());
    }

    @Test
    void theClientsCloseReachesChatServiceWithItsCodeAndReason() throws Exception {
        Socket socket = open(as(CAROL));
        assertEquals("welcome", socket.nextFrame());
        socket.ws().close((short) 4100, "done");
        assertEquals("done", upstreams.closeReasonFromClient(4100));
        assertEquals(4100, socket.closeCode());
    }

    @Test
    void aResetChatServiceConnectionClosesTheClientWith1012SoItReconnects() throws Exception {
        Socket socket = open(as(CAROL));
        assertEquals("welcome", socket.nextFrame());
        socket.ws().writeTextMessage("reset");
        assertEquals(1012, socket.closeCode());
        assertEquals("upstream_lost", socket.ws().closeReason());

        Socket next = open(as(CAROL));
        assertEquals("welcome", next.nextFrame(), "a new socket works");
        next.ws().close();
    }

    @Test
    void aFrameOverTheLimitCloses1009OnBothSidesAndTheGatewayCarriesOn() throws Exception {
        Socket socket = open(as(CAROL));
        assertEquals("welcome", socket.nextFrame());
        socket.ws().writeFrame(WebSocketFrame.textFrame("x".repeat(70 * 1024), true));
        assertEquals(1009, socket.closeCode());
        assertEquals("message_too_big", socket.ws().closeReason());
        assertEquals("message_too_big", upstreams.closeReasonFromClient(1009), "chat-service's side is closed too");

        Socket next = open(as(CAROL));
        assertEquals("welcome", next.nextFrame());
        next.ws().writeTextMessage("still here");
        assertEquals("echo:still here", next.nextFrame());
        next.ws().close();
    }

    @Test
    void aMessageOverTheLimitInContinuationFramesCloses1009() throws Exception {
        Socket socket = open(as(CAROL));
        assertEquals("welcome", socket.nextFrame());
        socket.ws().writeFrame(WebSocketFrame.textFrame("x".repeat(40 * 1024), false));
        socket.ws().writeFrame(WebSocketFrame.continuationFrame(Buffer.buffer("y".repeat(40 * 1024)), true));
        assertEquals(1009, socket.closeCode());
        assertEquals("message_too_big", socket.ws().closeReason());
        assertEquals("message_too_big", upstreams.closeReasonFromClient(1009));
    }

    @Test
    void aMessageJustUnderTheLimitInContinuationFramesIsRelayedWhole() throws Exception {
        Socket socket = open(as(CAROL));
        assertEquals("welcome", socket.nextFrame());
        socket.ws().writeFrame(WebSocketFrame.textFrame("x".repeat(32 * 1024), false));
        socket.ws().writeFrame(WebSocketFrame.continuationFrame(Buffer.buffer("y".repeat(32 * 1024 - 10)), true));
        String echo = socket.nextFrame();
        assertEquals("echo:".length() + 64 * 1024 - 10, echo.length());
        socket.ws().close();
    }

    @Test
    void onlyTheHeadersChatServiceNeedsCrossTheUpgradeAndNoCompressionIsNegotiated() throws Exception {
        WebSocketConnectOptions options = new WebSocketConnectOptions(as(CAROL)).setURI("/ws?since=m1")
                .addHeader("Cookie", "parley_refresh=secret")
                .addHeader("X-Forwarded-Host", "evil.example")
                .addHeader("X-Request-Id", "tunnel-headers-1")
                .setAllowOriginHeader(false);
        Socket socket = open(options);
        assertEquals("welcome", socket.nextFrame());

        StandInUpstreams.Received upgrade = upstreams.nextUpgrade();
        assertEquals("/ws?since=m1", upgrade.uri());
        assertEquals(options.getHeaders().get("Authorization"), upgrade.header("Authorization"));
        assertEquals("tunnel-headers-1", upgrade.header("X-Request-Id"));
        assertEquals("127.0.0.1", upgrade.header("X-Forwarded-For"));
        assertNull(upgrade.header("Cookie"));
        assertNull(upgrade.header("X-Forwarded-Host"));
        assertNull(upgrade.header("Sec-WebSocket-Extensions"), "no compression offered to chat-service");
        assertNull(upgrade.header("Origin"), "none invented for a client that sent none");

        assertNull(socket.handshake().get("Sec-WebSocket-Extensions"), "the client's offer of permessage-deflate is declined");
        assertEquals("tunnel-headers-1", socket.handshake().get("X-Request-Id"));
        assertEquals("nosniff", socket.handshake().get("X-Content-Type-Options"));
        socket.ws().writeTextMessage("plain");
        assertEquals("echo:plain", socket.nextFrame());
        socket.ws().close();
    }

    @Test
    void aBrowsersOriginAndOfferedSubprotocolCrossTheUpgrade() throws Exception {
        Socket socket = open(new WebSocketConnectOptions(as(CAROL)).addHeader("Origin", HeadersAndCorsTest.LISTED)
                .setAllowOriginHeader(true).addSubProtocol("parley.v1"));
        assertEquals("welcome", socket.nextFrame());
        StandInUpstreams.Received upgrade = upstreams.nextUpgrade();
        assertEquals(HeadersAndCorsTest.LISTED, upgrade.header("Origin"));
        assertEquals("parley.v1", upgrade.header("Sec-WebSocket-Protocol"));
        assertEquals("parley.v1", socket.ws().subProtocol(), "chat-service's choice reaches the client");
        socket.ws().close();

        UpgradeRejectedException refused = rejection(new WebSocketConnectOptions(as(CAROL)).addSubProtocol("other.v9"));
        assertEquals(400, refused.getStatus(), "chat-service took none of them");
        assertEquals("upgrade_refused", new JsonObject(refused.getBody()).getString("code"));
    }

    @Test
    void theEleventhSocketOfOneUserIsRefusedUntilOneCloses() throws Exception {
        List<Socket> open = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            Socket socket = open(as(DAVE));
            assertEquals("welcome", socket.nextFrame());
            open.add(socket);
        }
        upstreams.clear();
        UpgradeRejectedException refused = rejection(as(DAVE));
        assertEquals(429, refused.getStatus());
        assertEquals("too_many_sockets", new JsonObject(refused.getBody()).getString("code"));
        assertNull(upstreams.upgrades.poll(), "chat-service was not asked");

        Socket other = open(as(CAROL));
        assertEquals("welcome", other.nextFrame(), "another user is not affected");
        other.ws().close();

        Socket first = open.remove(0);
        first.ws().close();
        assertEquals(1000, first.closeCode());
        Socket again = open(as(DAVE));
        assertEquals("welcome", again.nextFrame(), "a closed socket freed its slot");
        open.add(again);
        for (Socket socket : open) {
            socket.ws().close();
        }
    }

    @Test
    void chatServicesRefusalOfTheUpgradeIsAProblemWithItsStatus() throws Exception {
        UpgradeRejectedException forbidden = rejection(new WebSocketConnectOptions(as(CAROL)).setURI("/ws?refuse=403"));
        assertEquals(403, forbidden.getStatus());
        assertEquals("forbidden", new JsonObject(forbidden.getBody()).getString("code"));

        UpgradeRejectedException unauthorized = rejection(new WebSocketConnectOptions(as(CAROL)).setURI("/ws?refuse=401"));
        assertEquals(401, unauthorized.getStatus());
        assertEquals("unauthorized", new JsonObject(unauthorized.getBody()).getString("code"));

        UpgradeRejectedException failed = rejection(new WebSocketConnectOptions(as(CAROL)).setURI("/ws?refuse=500"));
        assertEquals(503, failed.getStatus());
        assertEquals("upstream_unavailable", new JsonObject(failed.getBody()).getString("code"));

        Socket socket = open(as(CAROL));
        assertEquals("welcome", socket.nextFrame(), "refusals neither opened the breaker nor kept a slot");
        socket.ws().close();
    }

    @Test
    void chatServicesPingsReachTheClient() throws Exception {
        Socket socket = open(as(CAROL));
        assertEquals("welcome", socket.nextFrame());
        socket.ws().writeTextMessage("ping");
        assertEquals("hb", socket.pings().poll(10, TimeUnit.SECONDS));
        socket.ws().close();
    }

    @Test
    void anUpgradeHeaderOnARestRouteIsPlainHttpNotA500() throws Exception {
        // review L1: curl /auth/jwks -H 'Connection: Upgrade' -H 'Upgrade: websocket' ... gave 500 and a stack trace
        try (java.net.Socket raw = new java.net.Socket(gateway.getHost(), gateway.getPort())) {
            raw.setSoTimeout(10_000);
            OutputStream out = raw.getOutputStream();
            out.write(("GET /auth/jwks HTTP/1.1\r\nHost: " + gateway.getHost() + "\r\nConnection: Upgrade\r\n"
                    + "Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = raw.getInputStream();
            StringBuilder statusLine = new StringBuilder();
            for (int c = in.read(); c != -1 && c != '\r'; c = in.read()) {
                statusLine.append((char) c);
            }
            assertEquals("HTTP/1.1 200 OK", statusLine.toString());
        }
        StandInUpstreams.Received forwarded = upstreams.next();
        assertEquals("/auth/jwks", forwarded.uri());
        assertNull(forwarded.header("Upgrade"), "forwarded as a plain GET");
    }

    @Test
    void aCompressedFrameWithoutAgreedCompressionCloses1002() throws Exception {
        // review M7: RSV1 (permessage-deflate) on a socket where none was negotiated never reaches an inflater
        try (java.net.Socket raw = new java.net.Socket(gateway.getHost(), gateway.getPort())) {
            raw.setSoTimeout(10_000);
            OutputStream out = raw.getOutputStream();
            out.write(("GET /ws HTTP/1.1\r\nHost: " + gateway.getHost() + "\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
                    + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Extensions: permessage-deflate\r\n"
                    + "Authorization: Bearer " + TestTokens.user(CAROL, "carol") + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            java.io.DataInputStream in = new java.io.DataInputStream(raw.getInputStream());
            String head = readHead(in);
            assertTrue(head.startsWith("HTTP/1.1 101"), head);
            assertFalse(head.toLowerCase().contains("sec-websocket-extensions"), head);
            out.write(new byte[] {(byte) 0xC1, (byte) 0x85, 1, 2, 3, 4, 'a' ^ 1, 'b' ^ 2, 'c' ^ 3, 'd' ^ 4, 'e' ^ 1});
            out.flush();
            for (;;) { // server frames are unmasked and short here: welcome, then the close
                int opcode = in.readUnsignedByte() & 0x0F;
                byte[] payload = new byte[in.readUnsignedByte() & 0x7F];
                in.readFully(payload);
                if (opcode == 8) {
                    assertEquals(1002, ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF));
                    assertEquals("protocol_error", new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8));
                    break;
                }
            }
        }
        assertEquals("protocol_error", upstreams.closeReasonFromClient(1002), "chat-service's side closed too");
    }

    private static String readHead(java.io.DataInputStream in) throws java.io.IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            head.append((char) in.readUnsignedByte());
        }
        return head.toString();
    }

    private boolean stalledFor(Duration duration) {
        long since = upstreams.floodStalledSince.get();
        return since != 0 && System.nanoTime() - since >= duration.toNanos();
    }

    private static void await(String what, BooleanSupplier condition) {
        dev.parley.testsupport.Await.until(what, DEADLINE, condition);
    }

    private WebSocketConnectOptions as(String user) {
        return new WebSocketConnectOptions().setHost(gateway.getHost()).setPort(gateway.getPort()).setURI("/ws")
                .setTimeout(10_000).setAllowOriginHeader(false)
                .addHeader("Authorization", "Bearer " + TestTokens.user(user, "u" + user.substring(20)));
    }

    private static Socket open(WebSocketConnectOptions options) throws Exception {
        BlockingQueue<String> frames = new LinkedBlockingQueue<>();
        BlockingQueue<String> pings = new LinkedBlockingQueue<>();
        CompletableFuture<Short> closed = new CompletableFuture<>();
        MultiMap handshake = MultiMap.caseInsensitiveMultiMap();
        WebSocket ws = client.connect(options).onSuccess(socket -> {
            handshake.addAll(socket.headers());
            socket.textMessageHandler(frames::add);
            socket.frameHandler(frame -> {
                if (frame.isPing()) {
                    pings.add(frame.textData());
                }
            });
            socket.closeHandler(v -> closed.complete(socket.closeStatusCode()));
        }).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertFalse(ws.isClosed());
        return new Socket(ws, handshake, frames, pings, closed);
    }

    private static UpgradeRejectedException rejection(WebSocketConnectOptions options) throws Exception {
        try {
            WebSocket socket = client.connect(options).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            socket.close();
            throw new AssertionError("the upgrade was accepted");
        } catch (ExecutionException e) {
            return assertInstanceOf(UpgradeRejectedException.class, e.getCause());
        }
    }
}
