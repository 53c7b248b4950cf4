package dev.parley.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.parley.testsupport.TestSocket;
import dev.parley.testsupport.TestTokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.vertx.core.Vertx;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.json.JsonObject;

@QuarkusTest
@ChatTestResources
class ChatSocketTest {

    @TestHTTPResource("/ws")
    URI ws;

    @Inject
    Vertx vertx;

    @Test
    void aSentMessageIsAckedToTheSenderAndReceivedByTheOtherSide() throws Exception {
        TestUser ann = TestUser.create("ann");
        TestUser ben = TestUser.create("ben");
        String chat = ann.directChatWith(ben);
        try (TestSocket annSocket = connect(ann); TestSocket annPhone = connect(ann); TestSocket benSocket = connect(ben)) {
            String id = annSocket.send("message:send", Map.of("chatId", chat, "content", "hello ben", "clientMessageId", "m-1"));

            JsonObject ack = annSocket.reply(id);
            assertEquals("message:ack", ack.getString("event"));
            assertEquals("m-1", ack.getJsonObject("data").getString("clientMessageId"));
            JsonObject stored = ack.getJsonObject("data").getJsonObject("message");

            JsonObject received = benSocket.await("message:receive").getJsonObject("data").getJsonObject("message");
            assertEquals(stored.getString("id"), received.getString("id"));
            assertEquals("hello ben", received.getString("content"));
            assertEquals(ann.id(), received.getString("senderId"));
            // the sender's other device hears about it too; the sending socket only gets the ack
            assertEquals(stored.getString("id"), annPhone.await("message:receive").getJsonObject("data")
                    .getJsonObject("message").getString("id"));
            annSocket.drain();
            assertEquals(0, annSocket.count("message:receive"));
        }
    }

    @Test
    void aRetriedSendIsAckedWithTheOriginalStoredOnceAndToldAgainUnderTheSameId() throws Exception {
        TestUser ann = TestUser.create("ann");
        TestUser ben = TestUser.create("ben");
        String chat = ann.directChatWith(ben);
        try (TestSocket annSocket = connect(ann); TestSocket benSocket = connect(ben)) {
            Map<String, String> send = Map.of("chatId", chat, "content", "only once", "clientMessageId", "dup-1");
            JsonObject first = annSocket.reply(annSocket.send("message:send", send));
            JsonObject second = annSocket.reply(annSocket.send("message:send", send));

            assertEquals(first.getJsonObject("data").getJsonObject("message").getString("id"),
                    second.getJsonObject("data").getJsonObject("message").getString("id"));
            assertTrue(second.getJsonObject("data").getBoolean("duplicate"));
            String id = first.getJsonObject("data").getJsonObject("message").getString("id");
            // told again: the first try's replica may have died before telling anyone; clients de-duplicate by id
            assertEquals(id, benSocket.await("message:receive").getJsonObject("data").getJsonObject("message").getString("id"));
            assertEquals(id, benSocket.await("message:receive").getJsonObject("data").getJsonObject("message").getString("id"));
            ann.api().get("/chat/" + chat).then().body("messages.size()", org.hamcrest.Matchers.equalTo(1));
        }
    }

    @Test
    void aRestSendIsDeliveredInRealTime() throws Exception {
        TestUser ann = TestUser.create("ann");
        TestUser ben = TestUser.create("ben");
        String chat = ann.directChatWith(ben);
        try (TestSocket benSocket = connect(ben)) {
            String id = ann.send(chat, "via rest").getString("id");
            assertEquals(id, benSocket.await("message:receive").getJsonObject("data").getJsonObject("message").getString("id"));
        }
    }

    @Test
    void typingAndReadReceiptsReachTheOtherParticipant() throws Exception {
        TestUser ann = TestUser.create("ann");
        TestUser ben = TestUser.create("ben");
        String chat = ann.directChatWith(ben);
        String message = ann.send(chat, "are you there?").getString("id");
        try (TestSocket annSocket = connect(ann); TestSocket benSocket = connect(ben)) {
            benSocket.send("user:typing", Map.of("chatId", chat, "typing", true));
            JsonObject typing = annSocket.await("user:typing").getJsonObject("data");
            assertEquals(Map.of("chatId", chat, "userId", ben.id(), "typing", true), typing.getMap());

            benSocket.send("message:read", Map.of("chatId", chat, "messageId", message));
            JsonObject read = annSocket.await("message:read").getJsonObject("data");
            assertEquals(Map.of("chatId", chat, "userId", ben.id(), "messageId", message, "seq", 1, "change", 1), read.getMap());
            benSocket.drain();
            assertEquals(0, benSocket.count("user:typing"), "typing goes to the others only");
        }
        ann.api().get("/chat/" + chat).then().body("messages[0].read", org.hamcrest.Matchers.equalTo(true));
    }

    @Test
    void presenceIsAnnouncedOnConnectAndDisconnect() throws Exception {
        TestUser ann = TestUser.create("ann");
        TestUser ben = TestUser.create("ben");
        ann.directChatWith(ben);
        try (TestSocket annSocket = connect(ann)) {
            TestSocket benSocket = connect(ben);
            JsonObject online = annSocket.await(f -> "user:status".equals(f.getString("event"))
                    && ben.id().equals(f.getJsonObject("data").getString("userId")), "ben online").getJsonObject("data");
            assertEquals("online", online.getString("status"));

            TestSocket benSecond = connect(ben);
            benSecond.drain(); // its opening is processed before the first one closes
            benSocket.close();
            benSecond.send("user:status", Map.of("status", "away"));
            assertEquals("away", annSocket.await(f -> "user:status".equals(f.getString("event")), "ben away")
                    .getJsonObject("data").getString("status"), "one of two sockets closing is not offline");
            benSecond.close();
            JsonObject offline = annSocket.await(f -> "user:status".equals(f.getString("event")), "ben offline")
                    .getJsonObject("data");
            assertEquals("offline", offline.getString("status"));
            assertNotNull(offline.getString("lastSeen"));
        }
    }

    @Test
    void syncReturnsExactlyWhatWasMissedInOrder() throws Exception {
        TestUser ann = TestUser.create("ann");
        TestUser ben = TestUser.create("ben");
        String chat = ann.directChatWith(ben);
        String groupChat = ann.api().contentType(ContentType.JSON)
                .body(Map.of("participantIds", List.of(ben.id(), TestUser.create("cat").id()), "name", "g"))
                .post("/chat").then().statusCode(201).extract().path("id");
        String lastSeen = ann.send(chat, "seen").getString("id");
        List<String> missed = new ArrayList<>();
        missed.add(ann.send(chat, "missed 1").getString("id"));
        missed.add(ann.send(groupChat, "missed 2").getString("id"));
        missed.add(ann.send(chat, "missed 3").getString("id"));
        ann.send(ann.directChatWith(TestUser.create("dan")), "not ben's");

        try (TestSocket benSocket = connect(ben)) {
            JsonObject result = benSocket.reply(benSocket.send("sync", Map.of("since", lastSeen)));
            assertEquals("sync:result", result.getString("event"));
            List<String> ids = result.getJsonObject("data").getJsonArray("messages").stream()
                    .map(m -> ((JsonObject) m).getString("id")).toList();
            assertEquals(missed, ids);
            assertEquals(false, result.getJsonObject("data").getBoolean("more"));
        }
    }

    @Test
    void badFramesGetAnErrorAndTheSocketKeepsWorking() throws Exception {
        TestUser ann = TestUser.create("ann");
        TestUser ben = TestUser.create("ben");
        String chat = ann.directChatWith(ben);
        String strangers = TestUser.create("x").directChatWith(TestUser.create("y"));
        try (TestSocket socket = connect(ann)) {
            socket.sendRaw("this is not json");
            assertEquals("bad_json", socket.await("error").getJsonObject("data").getString("code"));
            socket.sendRaw("[1,2,3]");
            assertEquals("bad_envelope", socket.await("error").getJsonObject("data").getString("code"));
            assertEquals("unknown_event", socket.reply(socket.send("message:explode", Map.of())).getJsonObject("data").getString("code"));
            assertEquals("validation_failed", socket.reply(socket.send("message:send", Map.of("chatId", chat)))
                    .getJsonObject("data").getString("code"));
            assertEquals("not_a_participant", socket.reply(socket.send("message:send",
                    Map.of("chatId", strangers, "content", "hi"))).getJsonObject("data").getString("code"));
            assertEquals("not_a_participant", socket.reply(socket.send("user:typing", Map.of("chatId", strangers)))
                    .getJsonObject("data").getString("code"));
            assertEquals("content_too_large", socket.reply(socket.send("message:send",
                    Map.of("chatId", chat, "content", "x".repeat(5000)))).getJsonObject("data").getString("code"));

            assertEquals("message:ack", socket.reply(socket.send("message:send", Map.of("chatId", chat, "content", "still here")))
                    .getString("event"));
        }
    }

    @Test
    void anOversizedMessageClosesTheSocketWith1009AndTheUserCanReconnect() throws Exception {
        TestUser ann = TestUser.create("ann");
        try (TestSocket socket = connect(ann)) {
            socket.sendRaw("{\"event\":\"message:send\",\"data\":{\"content\":\"" + "x".repeat(70_000) + "\"}}");
            assertEquals(1009, socket.awaitClose());
        }
        try (TestSocket again = connect(ann)) {
            assertEquals("unknown_event", again.reply(again.send("ping", Map.of())).getJsonObject("data").getString("code"));
        }
    }

    @Test
    void theUpgradeNeedsAValidTokenFromHeaderOrQuery() throws Exception {
        String id = new org.bson.types.ObjectId().toHexString();
        for (String token : new String[] { null, "garbage", TestTokens.tamper(TestTokens.user(id, "x")),
                TestTokens.builder(id, "x").expiresAt(java.time.Instant.now().minusSeconds(120)).sign(),
                TestTokens.unsigned(id, "x"), TestTokens.service("auth-service") }) {
            Exception refused = assertThrows(Exception.class, () -> TestSocket.connect(vertx, ws, token).close());
            assertTrue(refused instanceof UpgradeRejectedException, refused.toString());
            int status = ((UpgradeRejectedException) refused).getStatus();
            assertTrue(status == 401 || status == 403, "refused with " + status);
        }
        TestUser ann = TestUser.create("ann");
        try (TestSocket byQuery = TestSocket.connect(vertx, URI.create(ws + "?access_token=" + ann.token()), Map.of())) {
            assertEquals("unknown_event", byQuery.reply(byQuery.send("ping", Map.of())).getJsonObject("data").getString("code"));
        }
    }

    @Test
    void aBrowserFromAnotherOriginIsRefused() throws Exception {
        TestUser ann = TestUser.create("ann");
        UpgradeRejectedException refused = assertThrows(UpgradeRejectedException.class, () -> TestSocket.connect(vertx, ws,
                Map.of("Authorization", "Bearer " + ann.token(), "Origin", "https://evil.example")).close());
        assertEquals(403, refused.getStatus());
        TestSocket.connect(vertx, ws, Map.of("Authorization", "Bearer " + ann.token(), "Origin", "http://localhost:8080")).close();
    }

    @Test
    void aSocketIsClosedWhenItsTokenExpires() throws Exception {
        TestUser ann = TestUser.create("ann");
        String shortLived = TestTokens.builder(ann.id(), "ann").expiresAt(java.time.Instant.now().plusSeconds(2)).sign();
        try (TestSocket socket = TestSocket.connect(vertx, ws, shortLived)) {
            assertEquals(1008, socket.awaitClose());
        }
    }

    private TestSocket connect(TestUser user) throws Exception {
        return TestSocket.connect(vertx, ws, user.token());
    }
}
