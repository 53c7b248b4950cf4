package dev.parley.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

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
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;

/** {@code /ws} through the gateway to chat-service's socket: frames both ways, closes passed on, upgrades checked. */
@QuarkusTest
@WithTestResource(StandInUpstreams.class)
@WithTestResource(TestJwksResource.class)
class WebSocketTest {

    private static Vertx vertx;
    private static WebSocketClient client;

    StandInUpstreams.Handle upstreams;

    @TestHTTPResource("/")
    URI gateway;

    @BeforeAll
    static void startClient() {
        vertx = Vertx.vertx();
        client = vertx.createWebSocketClient();
    }

    @AfterAll
    static void stopClient() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @BeforeEach
    void forgetEarlierRequests() {
        upstreams.clear();
    }

    /** A socket and everything that arrives on it. */
    record Conversation(WebSocket socket, MultiMap handshake, BlockingQueue<String> frames, CompletableFuture<Short> closed) {
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
    void framesFlowBothWaysAndTheUpstreamsCloseCodeReachesTheClient() throws Exception {
        String token = TestTokens.user(Client.ALICE, "alice");
        Conversation chat = open(options("/ws").addHeader("Authorization", "Bearer " + token)
                .addHeader("X-Request-Id", "ws-test-request-1").setAllowOriginHeader(false));

        StandInUpstreams.Received upgrade = upstreams.nextUpgrade();
        assertEquals("Bearer " + token, upgrade.header("Authorization"));
        assertEquals("ws-test-request-1", upgrade.header("X-Request-Id"));
        assertEquals("/ws", upgrade.uri());
        assertEquals("ws-test-request-1", chat.handshake().get("X-Request-Id"), "the handshake answer has it too");
        assertNull(chat.handshake().get("Server"));
        assertEquals("nosniff", chat.handshake().get("X-Content-Type-Options"));

        assertEquals("welcome", chat.nextFrame(), "server to client");
        chat.socket().writeTextMessage("{\"event\":\"message:send\"}");
        assertEquals("echo:{\"event\":\"message:send\"}", chat.nextFrame(), "client to server and back");
        chat.socket().writeTextMessage("second");
        assertEquals("echo:second", chat.nextFrame());

        chat.socket().writeTextMessage("bye"); // the stand-in closes with 4001
        assertEquals(4001, chat.closeCode());
        assertEquals("bye", chat.socket().closeReason());
    }

    @Test
    void manyMoreSocketsThanTheHttpPoolHoldsAreTunnelledAndHttpStillWorks() throws Exception {
        // the test profile's HTTP pool is 4 connections per instance; sockets must not depend on it
        java.util.List<Conversation> open = new java.util.ArrayList<>();
        for (int i = 0; i < 12; i++) { // two users: each may hold 10 (WebSocketTunnelTest)
            String token = i % 2 == 0 ? TestTokens.user(Client.ALICE, "alice") : TestTokens.user(Client.BOB, "bob");
            open.add(open(options("/ws").addHeader("Authorization", "Bearer " + token).setAllowOriginHeader(false)));
        }
        for (Conversation c : open) {
            assertEquals("welcome", c.nextFrame());
        }
        io.restassured.RestAssured.given().baseUri(gateway.toString()).auth().oauth2(TestTokens.user(Client.ALICE, "alice"))
                .get("/chat").then().statusCode(200);
        for (Conversation c : open) {
            c.socket().close();
        }
        for (int i = 0; i < open.size(); i++) {
            assertEquals(1000, upstreams.nextCloseFromClient(), "each tunnel closed at the upstream too");
        }
    }

    @Test
    void theClientsCloseCodeReachesTheUpstream() throws Exception {
        Conversation chat = open(options("/ws").addHeader("Authorization", "Bearer " + TestTokens.user(Client.BOB, "bob")));
        assertEquals("welcome", chat.nextFrame());
        chat.socket().close((short) 4002, "leaving");
        assertEquals(4002, upstreams.nextCloseFromClient());
        assertEquals(4002, chat.closeCode());
    }

    @Test
    void aBrowserMayPassItsTokenAsQueryParameterWhichIsNotForwardedInTheUri() throws Exception {
        String token = TestTokens.user(Client.ALICE, "alice");
        Conversation chat = open(options("/ws?access_token=" + token + "&since=m42")
                .addHeader("Origin", HeadersAndCorsTest.LISTED));
        assertEquals("welcome", chat.nextFrame());

        StandInUpstreams.Received upgrade = upstreams.nextUpgrade();
        assertEquals("/ws?since=m42", upgrade.uri(), "the token does not travel on in the URL");
        assertEquals("Bearer " + token, upgrade.header("Authorization"), "it travels as a bearer token");
        chat.socket().close();
    }

    @Test
    void upgradeWithoutAValidTokenIsRefusedWith401() throws Exception {
        for (WebSocketConnectOptions options : new WebSocketConnectOptions[] {
                options("/ws"),
                options("/ws?access_token=not-a-jwt"),
                options("/ws?access_token=" + TestTokens.unsigned(Client.ALICE, "alice")),
                options("/ws").addHeader("Authorization", "Bearer " + TestTokens.tamper(TestTokens.user(Client.ALICE, "a")))}) {
            UpgradeRejectedException rejected = rejection(options);
            assertEquals(401, rejected.getStatus());
            assertEquals("unauthorized", new JsonObject(rejected.getBody()).getString("code"));
        }
        assertNull(upstreams.upgrades.poll(), "chat-service saw no upgrade");
    }

    @Test
    void upgradeFromAnUnlistedOriginIsRefusedWith403() throws Exception {
        UpgradeRejectedException rejected = rejection(options("/ws")
                .addHeader("Authorization", "Bearer " + TestTokens.user(Client.ALICE, "alice"))
                .addHeader("Origin", HeadersAndCorsTest.UNLISTED));
        assertEquals(403, rejected.getStatus());
        assertEquals("forbidden_origin", new JsonObject(rejected.getBody()).getString("code"));
        assertNull(upstreams.upgrades.poll());
    }

    private WebSocketConnectOptions options(String uri) {
        return new WebSocketConnectOptions().setHost(gateway.getHost()).setPort(gateway.getPort()).setURI(uri)
                .setTimeout(10_000);
    }

    private static Conversation open(WebSocketConnectOptions options) throws Exception {
        BlockingQueue<String> frames = new LinkedBlockingQueue<>();
        CompletableFuture<Short> closed = new CompletableFuture<>();
        MultiMap handshake = MultiMap.caseInsensitiveMultiMap();
        // handlers are set as the handshake completes, on the socket's own thread, so no frame slips by
        WebSocket socket = client.connect(options).onSuccess(ws -> {
            handshake.addAll(ws.headers());
            ws.textMessageHandler(frames::add);
            ws.closeHandler(v -> closed.complete(ws.closeStatusCode()));
        }).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertFalse(socket.isClosed());
        return new Conversation(socket, handshake, frames, closed);
    }

    private static UpgradeRejectedException rejection(WebSocketConnectOptions options) throws Exception {
        try {
            WebSocket socket = client.connect(options).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            socket.close();
            throw new AssertionError("the upgrade was accepted");
        } catch (ExecutionException e) {
            assertInstanceOf(UpgradeRejectedException.class, e.getCause());
            UpgradeRejectedException rejected = (UpgradeRejectedException) e.getCause();
            assertTrue(rejected.getBody() != null, "a problem body explains the refusal");
            return rejected;
        }
    }
}
