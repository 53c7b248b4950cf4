package dev.parley.chat;

import static dev.parley.testsupport.OpenApiContract.api;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;

import dev.parley.testsupport.EmbeddedMongo;
import dev.parley.testsupport.InjectEmbeddedMongo;
import dev.parley.testsupport.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

@QuarkusTest
@ChatTestResources
class ChatRestTest {

    @InjectEmbeddedMongo
    EmbeddedMongo store;

    @Test
    void aDirectChatIsCreatedOnceAndFoundAgainFromEitherSide() {
        TestUser ann = TestUser.create("ann");
        TestUser ben = TestUser.create("ben");

        String id = ann.api().contentType(ContentType.JSON).body(Map.of("participantIds", List.of(ben.id())))
                .post("/chat").then().statusCode(201)
                .body("type", equalTo("direct"))
                .body("participantIds", hasSize(2))
                .body("createdBy", equalTo(ann.id()))
                .body("unreadCount", equalTo(0))
                .extract().path("id");
        ben.api().contentType(ContentType.JSON).body(Map.of("participantIds", List.of(ann.id(), ben.id())))
                .post("/chat").then().statusCode(200).body("id", equalTo(id));
    }

    @Test
    void aGroupNeedsANameAndHoldsEveryone() {
        TestUser ann = TestUser.create("ann");
        TestUser ben = TestUser.create("ben");
        TestUser cat = TestUser.create("cat");

        ann.api().contentType(ContentType.JSON).body(Map.of("participantIds", List.of(ben.id(), cat.id())))
                .post("/chat").then().statusCode(400).body("code", equalTo("validation_failed"));
        ann.api().contentType(ContentType.JSON).body(Map.of("participantIds", List.of(ben.id(), cat.id()), "name", "Trip"))
                .post("/chat").then().statusCode(201)
                .body("type", equalTo("group")).body("name", equalTo("Trip")).body("participantIds", hasSize(3));
        ann.api().contentType(ContentType.JSON).body(Map.of("participantIds", List.of(ann.id())))
                .post("/chat").then().statusCode(400);
        ann.api().contentType(ContentType.JSON).body(Map.of("participantIds", List.of("not-an-id")))
                .post("/chat").then().statusCode(400).body("errors.field[0]", equalTo("participantIds"));
    }

    @Test
    void sendingStoresEncryptedContentAndReturnsTheMessage() {
        TestUser ann = TestUser.create("ann");
        TestUser ben = TestUser.create("ben");
        String chat = ann.directChatWith(ben);

        JsonPath sent = ann.api().contentType(ContentType.JSON)
                .body(Map.of("chatId", chat, "content", "the secret is 42", "clientMessageId", "c-1"))
                .post("/chat/message").then().statusCode(201)
                .body("chatId", equalTo(chat))
                .body("senderId", equalTo(ann.id()))
                .body("receiverId", equalTo(ben.id()))
                .body("type", equalTo("text"))
                .body("content", equalTo("the secret is 42"))
                .body("clientMessageId", equalTo("c-1"))
                .body("read", equalTo(false))
                .extract().jsonPath();

        Document raw = store.findRaw("messages", new Document("_id", new ObjectId(sent.getString("id"))));
        assertFalse(raw.toJson().contains("secret"), "no plaintext in the stored document");
        assertFalse(raw.containsKey("content"));
        assertTrue(raw.containsKey("ciphertext") && raw.containsKey("nonce") && raw.containsKey("keyId"));
    }

    @Test
    void aRetryWithTheSameClientMessageIdReturnsTheStoredMessage() {
        TestUser ann = TestUser.create("ann");
        TestUser ben = TestUser.create("ben");
        String chat = ann.directChatWith(ben);
        Map<String, String> body = Map.of("chatId", chat, "content", "once", "clientMessageId", "retry-1");

        String first = ann.api().contentType(ContentType.JSON).body(body).post("/chat/message")
                .then().statusCode(201).extract().path("id");
        String second = ann.api().contentType(ContentType.JSON).body(body).post("/chat/message")
                .then().statusCode(200).extract().path("id");

        assertEquals(first, second);
        assertEquals(1, store.count("messages", new Document("chatId", chat)));
    }

    @Test
    void receiverIdFindsOrCreatesTheDirectChat() {
        TestUser ann = TestUser.create("ann");
        TestUser ben = TestUser.create("ben");

        String chat = ann.api().contentType(ContentType.JSON).body(Map.of("receiverId", ben.id(), "content", "hi"))
                .post("/chat/message").then().statusCode(201).extract().path("chatId");
        assertEquals(chat, ben.directChatWith(ann));
        ben.api().contentType(ContentType.JSON).body(Map.of("receiverId", ann.id(), "content", "hello"))
                .post("/chat/message").then().statusCode(201).body("chatId", equalTo(chat));
    }

    @Test
    void historyPagesBackwardsWithNoGapsAndNoRepeats() {
        TestUser ann = TestUser.create("ann");
        TestUser ben = TestUser.create("ben");
        String chat = ann.directChatWith(ben);
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 23; i++) {
            sent.add(((i % 2 == 0) ? ann : ben).send(chat, "message " + i).getString("id"));
        }

        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            var request = ann.api().queryParam("limit", 10);
            if (cursor != null) {
                request.queryParam("before", cursor);
            }
            JsonPath page = request.get("/chat/" + chat).then().statusCode(200).extract().jsonPath();
            seen.addAll(page.getList("messages.id"));
            cursor = page.getString("nextCursor");
            pages++;
        } while (cursor != null);

        assertEquals(3, pages);
        List<String> newestFirst = new ArrayList<>(sent);
        java.util.Collections.reverse(newestFirst);
        assertEquals(newestFirst, seen);
    }

    @Test
    void aHistoryPageSaysNothingOfTheStoresTimingUnlessTheOperatorAsks() {
        TestUser ann = TestUser.create("ann");
        String chat = ann.directChatWith(TestUser.create("ben"));
        ann.send(chat, "hello");
        assertNull(ann.api().get("/chat/" + chat).then().statusCode(200).extract().header("Server-Timing"),
                "timings would tell an outsider how the store is doing (review L11)");
    }

    @Test
    void historyLimitsAndCursorsAreValidated() {
        TestUser ann = TestUser.create("ann");
        String chat = ann.directChatWith(TestUser.create("ben"));
        ann.api().queryParam("limit", 0).get("/chat/" + chat).then().statusCode(400).body("errors.field[0]", equalTo("limit"));
        ann.api().queryParam("limit", 101).get("/chat/" + chat).then().statusCode(400);
        ann.api().queryParam("limit", "abc").get("/chat/" + chat).then().statusCode(400).body("code", equalTo("invalid_parameter"));
        ann.api().queryParam("before", "garbage").get("/chat/" + chat).then().statusCode(400).body("code", equalTo("invalid_cursor"));
    }

    @Test
    void nonParticipantsCannotReadWriteOrMarkAChat() {
        TestUser ann = TestUser.create("ann");
        TestUser ben = TestUser.create("ben");
        TestUser eve = TestUser.create("eve");
        String chat = ann.directChatWith(ben);
        String message = ann.send(chat, "private").getString("id");

        eve.api().get("/chat/" + chat).then().statusCode(403).body("code", equalTo("not_a_participant"));
        eve.api().contentType(ContentType.JSON).body(Map.of("chatId", chat, "content", "let me in"))
                .post("/chat/message").then().statusCode(403);
        eve.api().contentType(ContentType.JSON).body(Map.of("messageId", message))
                .post("/chat/" + chat + "/read").then().statusCode(403);
        eve.api().contentType(ContentType.JSON).body(Map.of("content", "edited"))
                .patch("/chat/message/" + message).then().statusCode(403);
        eve.api().get("/chat/" + new ObjectId().toHexString()).then().statusCode(404).body("code", equalTo("chat_not_found"));
        assertEquals(1, store.count("messages", new Document("chatId", chat)));
    }

    @Test
    void everyEndpointNeedsAValidUserToken() {
        String chat = new ObjectId().toHexString();
        String id = new ObjectId().toHexString();
        for (String token : new String[] { null, "garbage", TestTokens.tamper(TestTokens.user(id, "x")),
                TestTokens.builder(id, "x").expiresAt(java.time.Instant.now().minusSeconds(120)).sign(),
                TestTokens.builder(id, "x").audience("other").sign(), TestTokens.unsigned(id, "x") }) {
            var request = token == null ? api() : api().auth().oauth2(token);
            request.get("/chat").then().statusCode(401).contentType("application/problem+json");
            request.get("/chat/" + chat).then().statusCode(401);
            request.contentType(ContentType.JSON).body(Map.of("chatId", chat, "content", "x")).post("/chat/message")
                    .then().statusCode(401);
        }
        api().auth().oauth2(TestTokens.service("auth-service")).get("/chat").then().statusCode(403);
        api().auth().oauth2(TestTokens.user(id, "x")).post("/internal/messages/reencrypt").then().statusCode(403);
        api().post("/internal/messages/reencrypt").then().statusCode(401);
    }

    /** A service credential opens only the internal endpoints that name its service (review L6). */
    @Test
    void anotherServicesCredentialIs403() {
        for (String caller : new String[] { "user-service", "auth-service", "chat-service" }) {
            api().auth().oauth2(TestTokens.service(caller)).post("/internal/messages/reencrypt")
                    .then().statusCode(403).contentType("application/problem+json").body("code", equalTo("caller_not_allowed"));
        }
        for (String caller : new String[] { "auth-service", "operator", "chat-service" }) {
            api().auth().oauth2(TestTokens.service(caller)).contentType(ContentType.JSON)
                    .body(Map.of("userId", new ObjectId().toHexString(), "status", "away"))
                    .post("/internal/presence")
                    .then().statusCode(403).contentType("application/problem+json").body("code", equalTo("caller_not_allowed"));
        }
    }

    @Test
    void invalidMessagesAreRejectedAndNothingIsStored() {
        TestUser ann = TestUser.create("ann");
        String chat = ann.directChatWith(TestUser.create("ben"));
        List<Map<String, Object>> bad = List.of(
                Map.of("chatId", chat, "content", ""),
                Map.of("chatId", chat, "content", "   "),
                Map.of("chatId", chat, "content", "x", "type", "video"),
                Map.of("chatId", chat, "content", "x", "clientMessageId", "has space"),
                Map.of("content", "no chat"),
                Map.of("chatId", chat, "receiverId", ann.id(), "content", "both"),
                Map.of("chatId", chat, "content", "http://example.com/a.png", "type", "image",
                        "attachment", Map.of("name", "a.png", "size", 10, "mime", "image/png")),
                Map.of("chatId", chat, "content", "https://example.com/a.png", "type", "image"),
                Map.of("chatId", chat, "content", "https://example.com/a.pdf", "type", "image",
                        "attachment", Map.of("name", "a.pdf", "size", 10, "mime", "application/pdf")));
        for (Map<String, Object> body : bad) {
            ann.api().contentType(ContentType.JSON).body(body).post("/chat/message")
                    .then().statusCode(400).contentType("application/problem+json");
        }
        ann.api().contentType(ContentType.JSON).body(Map.of("chatId", chat, "content", "x".repeat(4097)))
                .post("/chat/message").then().statusCode(413).body("code", equalTo("content_too_large"));
        assertEquals(0, store.count("messages", new Document("chatId", chat)));
    }

    @Test
    void imagesAndFilesCarryTheirAttachmentEncrypted() {
        TestUser ann = TestUser.create("ann");
        String chat = ann.directChatWith(TestUser.create("ben"));
        String id = ann.api().contentType(ContentType.JSON)
                .body(Map.of("chatId", chat, "content", "https://files.example.com/holiday.png", "type", "image",
                        "attachment", Map.of("name", "holiday.png", "size", 12345, "mime", "image/png")))
                .post("/chat/message").then().statusCode(201)
                .body("content", equalTo("https://files.example.com/holiday.png"))
                .body("attachment.name", equalTo("holiday.png"))
                .body("attachment.size", equalTo(12345))
                .extract().path("id");
        assertFalse(store.findRaw("messages", new Document("_id", new ObjectId(id))).toJson().contains("holiday"));
    }

    @Test
    void editAndDeleteAreForTheSenderOnly() {
        TestUser ann = TestUser.create("ann");
        TestUser ben = TestUser.create("ben");
        String chat = ann.directChatWith(ben);
        String id = ann.send(chat, "typo").getString("id");

        ben.api().contentType(ContentType.JSON).body(Map.of("content", "hacked")).patch("/chat/message/" + id)
                .then().statusCode(403).body("code", equalTo("not_your_message"));
        ben.api().delete("/chat/message/" + id).then().statusCode(403);

        ann.api().contentType(ContentType.JSON).body(Map.of("content", "fixed")).patch("/chat/message/" + id)
                .then().statusCode(200).body("content", equalTo("fixed")).body("editedAt", org.hamcrest.Matchers.notNullValue());
        ann.api().delete("/chat/message/" + id).then().statusCode(204);

        JsonPath page = ben.api().get("/chat/" + chat).then().statusCode(200).extract().jsonPath();
        assertNull(page.get("messages[0].content"));
        assertEquals(id, page.getString("messages[0].id"));
        Document raw = store.findRaw("messages", new Document("_id", new ObjectId(id)));
        assertNull(raw.get("ciphertext"), "deleting wipes the content");
        ann.api().delete("/chat/message/" + new ObjectId().toHexString()).then().statusCode(404);
    }

    @Test
    void readPositionDrivesUnreadCountsAndReceipts() {
        TestUser ann = TestUser.create("ann");
        TestUser ben = TestUser.create("ben");
        String chat = ann.directChatWith(ben);
        ann.send(chat, "one");
        String second = ann.send(chat, "two").getString("id");

        ben.api().get("/chat").then().statusCode(200)
                .body("chats.find { it.id == '" + chat + "' }.unreadCount", equalTo(2))
                .body("chats.find { it.id == '" + chat + "' }.lastMessage.content", equalTo("two"));

        ben.api().contentType(ContentType.JSON).body(Map.of("messageId", second)).post("/chat/" + chat + "/read")
                .then().statusCode(204);

        ben.api().get("/chat").then().body("chats.find { it.id == '" + chat + "' }.unreadCount", equalTo(0));
        ann.api().get("/chat/" + chat).then().body("messages.read", contains(true, true))
                .body("messages[0].readBy", contains(ben.id()));
        ben.api().contentType(ContentType.JSON).body(Map.of("messageId", new ObjectId().toHexString()))
                .post("/chat/" + chat + "/read").then().statusCode(404);
    }

    @Test
    void myChatsComeNewestActivityFirst() {
        TestUser ann = TestUser.create("ann");
        String older = ann.directChatWith(TestUser.create("ben"));
        String newer = ann.directChatWith(TestUser.create("cat"));
        ann.send(newer, "first");
        ann.send(older, "later");

        ann.api().get("/chat").then().statusCode(200).body("chats.id", contains(older, newer));
    }

    @Test
    void theChatRecordCatchesUpWithItsNewestMessage() {
        TestUser ann = TestUser.create("ann");
        String chat = ann.directChatWith(TestUser.create("ben"));
        String at = ann.send(chat, "hello").getString("timestamp");

        // this replica's list shows it at once; the record itself within parley.chat.writer.activity-every
        ann.api().get("/chat").then().body("chats.find { it.id == '" + chat + "' }.lastMessageAt", equalTo(at));
        Document filter = new Document("_id", new ObjectId(chat));
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
        // no pause needed: each poll is a round trip to the store
        while (!java.time.Instant.parse(at).equals(store.findRaw("chats", filter).getDate("lastMessageAt").toInstant())
                && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertEquals(java.time.Instant.parse(at), store.findRaw("chats", filter).getDate("lastMessageAt").toInstant());
    }

    @Test
    void aCiphertextMovedToAnotherMessageIsReportedNotShownAsText() {
        TestUser ann = TestUser.create("ann");
        String chat = ann.directChatWith(TestUser.create("ben"));
        String a = ann.send(chat, "first").getString("id");
        String b = ann.send(chat, "second").getString("id");
        var messages = store.database().getCollection("messages");
        Document first = messages.find(new Document("_id", new ObjectId(a))).first();
        messages.updateOne(new Document("_id", new ObjectId(b)), new Document("$set",
                new Document("ciphertext", first.get("ciphertext")).append("nonce", first.get("nonce"))));

        JsonPath page = ann.api().get("/chat/" + chat).then().statusCode(200).extract().jsonPath();
        assertEquals(b, page.getString("messages[0].id"));
        assertNull(page.get("messages[0].content"));
        assertEquals("content_unreadable", page.getString("messages[0].contentError"));
        assertEquals("first", page.getString("messages[1].content"));
        assertNotNull(page.getString("messages[1].timestamp"));
    }
}
