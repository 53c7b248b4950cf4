package dev.parley.e2e;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.parley.e2e.Parley.Account;
import dev.parley.testsupport.TestSocket;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.vertx.core.json.JsonObject;

/** Two people sign up and chat, through the gateway only, exactly as a client app would. */
class ChatThroughGatewayIT {

    private static Parley parley;

    @BeforeAll
    static void startTheStack() throws Exception {
        parley = Parley.start("chat", 300, 1, null);
    }

    @AfterAll
    static void stopTheStack() throws Exception {
        if (parley != null) {
            parley.close();
        }
    }

    @Test
    void twoPeopleChatInRealTime() throws Exception {
        Account alice = parley.register("alice");
        Account bob = parley.register("bob");
        alice = parley.login(alice.username());
        String chat = parley.directChat(alice, bob);
        List<String> sent = new ArrayList<>();

        try (TestSocket aliceSocket = TestSocket.connect(parley.vertx, parley.ws(), alice.accessToken());
                TestSocket bobSocket = TestSocket.connect(parley.vertx, parley.ws(), bob.accessToken())) {
            String bobAtStart = awaitStatus(bob, "online");

            for (int i = 1; i <= 3; i++) {
                JsonObject ack = aliceSocket.reply(aliceSocket.send("message:send",
                        Map.of("chatId", chat, "content", "hello " + i, "clientMessageId", "hello-" + i)));
                assertEquals("message:ack", ack.getString("event"));
                String id = ack.getJsonObject("data").getJsonObject("message").getString("id");
                sent.add(id);
                JsonObject received = bobSocket.await("message:receive").getJsonObject("data").getJsonObject("message");
                assertEquals(id, received.getString("id"));
                assertEquals("hello " + i, received.getString("content"));
            }

            bobSocket.send("user:typing", Map.of("chatId", chat, "typing", true));
            assertEquals(bob.id(), aliceSocket.await("user:typing").getJsonObject("data").getString("userId"));
            bobSocket.send("message:read", Map.of("chatId", chat, "messageId", sent.get(2)));
            assertEquals(sent.get(2), aliceSocket.await("message:read").getJsonObject("data").getString("messageId"));

            JsonPath page1 = parley.as(bob).queryParam("limit", 2).get("/chat/" + chat).then().statusCode(200).extract().jsonPath();
            JsonPath page2 = parley.as(bob).queryParam("limit", 2).queryParam("before", page1.getString("nextCursor"))
                    .get("/chat/" + chat).then().statusCode(200).extract().jsonPath();
            List<String> history = new ArrayList<>(page1.getList("messages.id"));
            history.addAll(page2.getList("messages.id"));
            assertEquals(List.of(sent.get(2), sent.get(1), sent.get(0)), history);
            assertEquals(true, page1.getBoolean("messages[0].read"));

            bobSocket.close();
            String bobAfter = awaitStatus(bob, "offline");
            assertNotEquals(bobAtStart, bobAfter, "lastSeen moved on");
        }
    }

    @Test
    void refreshRotatesAndLogoutRevokes() {
        Account carol = parley.register("carol");
        JsonPath rotated = parley.api().contentType(ContentType.JSON).body(Map.of("refreshToken", carol.refreshToken()))
                .post("/auth/refresh").then().statusCode(200).extract().jsonPath();
        parley.api().contentType(ContentType.JSON).body(Map.of("refreshToken", carol.refreshToken()))
                .post("/auth/refresh").then().statusCode(401).body("code", equalTo("invalid_refresh_token"));

        Account fresh = parley.login(carol.username());
        parley.api().contentType(ContentType.JSON).body(Map.of("refreshToken", fresh.refreshToken()))
                .post("/auth/logout").then().statusCode(204);
        parley.api().contentType(ContentType.JSON).body(Map.of("refreshToken", fresh.refreshToken()))
                .post("/auth/refresh").then().statusCode(401);
        // the rotated token of the first session was revoked by the reuse above
        parley.api().contentType(ContentType.JSON).body(Map.of("refreshToken", rotated.getString("refreshToken")))
                .post("/auth/refresh").then().statusCode(401);
    }

    @Test
    void theGatewayKeepsOutWhatMustStayOut() throws Exception {
        parley.api().get("/chat").then().statusCode(401).contentType("application/problem+json");
        parley.api().get("/internal/users").then().statusCode(404);
        Account dave = parley.register("dave");
        parley.as(dave).contentType(ContentType.JSON).body(Map.of("service", "chat-service", "secret", "x".repeat(20)))
                .post("/internal/service-token").then().statusCode(404);
        Exception refused = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
                () -> TestSocket.connect(parley.vertx, parley.ws(), (String) null).close());
        assertTrue(refused.toString().contains("401"), refused.toString());
        parley.as(dave).get("/user/me").then().statusCode(200).body("username", equalTo(dave.username()));
    }

    /** Presence reaches user-service asynchronously: poll its profile until the status is reached. */
    private static String awaitStatus(Account account, String status) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        while (true) {
            JsonPath me = parley.as(account).get("/user/me").then().statusCode(200).extract().jsonPath();
            if (status.equals(me.getString("status"))) {
                assertNotNull(me.getString("lastSeen"));
                return me.getString("lastSeen");
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError(account.username() + " never became " + status + "; profile " + me.prettify());
            }
            TimeUnit.MILLISECONDS.sleep(100); // bounded poll of an asynchronous hand-off between services
        }
    }
}
