package dev.parley.chat;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.bson.Document;
import org.bson.types.Binary;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import com.mongodb.WriteConcern;
import com.mongodb.client.MongoClient;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.ReturnDocument;

import dev.parley.chat.message.Message;
import dev.parley.chat.message.MessageEncryption;
import dev.parley.testsupport.EmbeddedMongo;
import dev.parley.testsupport.InjectEmbeddedMongo;
import dev.parley.testsupport.TestSocket;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * What a client that drops and syncs depends on: every message of a chat has the next seq, a
 * per-chat sync returns every message and every change after what the client has, and changes
 * cannot undo each other (docs/reliability.md).
 */
@QuarkusTest
@ChatTestResources
class DeliveryTest {

    private static final ExecutorService THREADS = Executors.newFixedThreadPool(4);

    @TestHTTPResource("/ws")
    URI ws;

    @Inject
    Vertx vertx;

    @Inject
    MongoClient mongo;

    @Inject
    MessageEncryption encryption;

    @InjectEmbeddedMongo
    EmbeddedMongo store;

    @AfterAll
    static void stopThreads() {
        THREADS.shutdownNow();
    }

    @Test
    void sendsFromManyClientsAtOnceGetEveryNumberOnceWithNoGap() throws Exception {
        TestUser ann = TestUser.create("ann");
        TestUser ben = TestUser.create("ben");
        String chat = ann.directChatWith(ben);
        ConcurrentLinkedQueue<Long> seqs = new ConcurrentLinkedQueue<>();
        CyclicBarrier start = new CyclicBarrier(4);
        List<Future<?>> senders = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            TestUser sender = t % 2 == 0 ? ann : ben;
            senders.add(THREADS.submit(() -> {
                start.await(10, TimeUnit.SECONDS);
                for (int i = 0; i < 25; i++) {
                    seqs.add(sender.send(chat, "m" + i).getLong("seq"));
                }
                return null;
            }));
        }
        for (Future<?> sender : senders) {
            sender.get(60, TimeUnit.SECONDS);
        }
        TreeSet<Long> distinct = new TreeSet<>(seqs);
        assertEquals(100, seqs.size());
        assertEquals(100, distinct.size(), "no number twice");
        assertEquals(1L, distinct.first());
        assertEquals(100L, distinct.last(), "no gap");
        List<Long> history = ann.api().get("/chat/" + chat + "?limit=100").then().statusCode(200).extract().path("messages.seq");
        for (int i = 0; i < history.size(); i++) {
            assertEquals(100L - i, ((Number) history.get(i)).longValue(), "history newest first by seq");
        }
    }

    @Test
    void aMessageStoredLateIsNotSkippedByTheSync() throws Exception {
        TestUser ann = TestUser.create("ann");
        TestUser ben = TestUser.create("ben");
        String chat = ann.directChatWith(ben);
        ann.send(chat, "one");
        String two = ann.send(chat, "two").getString("id");
        // what another replica with a slower clock (or a deeper write queue) does: a message stamped
        // before "two" that the store commits after it
        ObjectId late = storeLateMessage(chat, ann.id());
        try (TestSocket socket = TestSocket.connect(vertx, ws, ben.token())) {
            JsonObject answer = sync(socket, chat, 2, 0);
            JsonArray messages = answer.getJsonArray("messages");
            assertEquals(1, messages.size(), answer.encode());
            assertEquals(late.toHexString(), messages.getJsonObject(0).getString("id"));
            assertEquals("stamped early, stored late", messages.getJsonObject(0).getString("content"));
            assertEquals(3L, answer.getLong("seq"));

            JsonObject byId = socket.reply(socket.send("sync", Map.of("since", two))).getJsonObject("data");
            assertTrue(byId.getJsonArray("messages").isEmpty(), "the first protocol's sync by message id misses it: why seq exists");
        }
    }

    @Test
    void aNumberGivenOutButNotYetStoredHoldsTheCursorUntilItsMessageIsThere() throws Exception {
        TestUser ann = TestUser.create("ann");
        TestUser ben = TestUser.create("ben");
        String chat = ann.directChatWith(ben);
        ann.send(chat, "one");
        ann.send(chat, "two");
        long reserved = reserveNumber(chat); // what a writer holds between its reservation and its insert
        assertEquals(3L, reserved);
        ann.send(chat, "four");
        try (TestSocket socket = TestSocket.connect(vertx, ws, ben.token())) {
            JsonObject held = sync(socket, chat, 0, 0);
            assertEquals(2L, held.getLong("seq"), "the cursor waits at the gap: " + held.encode());

            ObjectId three = storeLateMessage(chat, ann.id(), reserved);
            JsonObject after = sync(socket, chat, held.getLong("seq"), 0);
            assertEquals(4L, after.getLong("seq"));
            assertTrue(after.getJsonArray("messages").stream()
                    .anyMatch(m -> three.toHexString().equals(((JsonObject) m).getString("id"))), after.encode());
        }
    }

    @Test
    void aRetriedSendTakesNoPlaceAndTheSyncStepsOverTheNumberItWasGiven() throws Exception {
        TestUser ann = TestUser.create("ann");
        TestUser ben = TestUser.create("ben");
        String chat = ann.directChatWith(ben);
        Map<String, String> body = Map.of("chatId", chat, "content", "once", "clientMessageId", "retry-1");
        ann.api().contentType(ContentType.JSON).body(body).post("/chat/message").then().statusCode(201);
        ann.api().contentType(ContentType.JSON).body(body).post("/chat/message").then().statusCode(200);
        ann.send(chat, "next");
        try (TestSocket socket = TestSocket.connect(vertx, ws, ben.token())) {
            JsonObject all = sync(socket, chat, 0, 0);
            assertEquals(2, all.getJsonArray("messages").size(), all.encode());
            assertEquals(3L, all.getLong("seq"), "the void number 2 does not hold the cursor");
        }
    }

    @Test
    void theSyncReturnsEditsDeletesAndReadsMadeWhileAClientWasAway() throws Exception {
        TestUser ann = TestUser.create("ann");
        TestUser ben = TestUser.create("ben");
        String chat = ann.directChatWith(ben);
        String one = ann.send(chat, "one").getString("id");
        String two = ann.send(chat, "two").getString("id");
        JsonObject before;
        try (TestSocket socket = TestSocket.connect(vertx, ws, ben.token())) {
            before = sync(socket, chat, 0, 0);
        }
        assertEquals(2, before.getJsonArray("messages").size());

        ann.api().contentType(ContentType.JSON).body(Map.of("content", "one, edited")).patch("/chat/message/" + one)
                .then().statusCode(200);
        ann.api().delete("/chat/message/" + two).then().statusCode(204);
        ann.api().contentType(ContentType.JSON).body(Map.of("messageId", two)).post("/chat/" + chat + "/read")
                .then().statusCode(204);

        try (TestSocket socket = TestSocket.connect(vertx, ws, ben.token())) {
            JsonObject after = sync(socket, chat, before.getLong("seq"), before.getLong("changes"));
            assertTrue(after.getJsonArray("messages").isEmpty());
            Map<String, JsonObject> changed = new HashMap<>();
            after.getJsonArray("changed").forEach(m -> changed.put(((JsonObject) m).getString("id"), (JsonObject) m));
            assertEquals("one, edited", changed.get(one).getString("content"));
            assertNotNull(changed.get(two).getString("deletedAt"));
            assertNull(changed.get(two).getString("content"));
            JsonArray reads = after.getJsonArray("reads");
            assertEquals(1, reads.size());
            assertEquals(ann.id(), reads.getJsonObject(0).getString("userId"));
            assertEquals(2L, reads.getJsonObject(0).getLong("seq"));
            assertEquals(before.getLong("changes") + 3, after.getLong("changes"));

            JsonObject again = sync(socket, chat, after.getLong("seq"), after.getLong("changes"));
            assertTrue(again.getJsonArray("messages").isEmpty() && again.getJsonArray("changed").isEmpty()
                    && again.getJsonArray("reads").isEmpty(), "nothing twice: " + again.encode());
        }
    }

    @Test
    void aSyncOfSomeoneElsesChatOrOfNonsenseGetsAClearErrorAndTheSocketCarriesOn() throws Exception {
        TestUser ann = TestUser.create("ann");
        String theirs = TestUser.create("cy").directChatWith(TestUser.create("dee"));
        try (TestSocket socket = TestSocket.connect(vertx, ws, ann.token())) {
            JsonObject stranger = socket.reply(socket.send("sync", Map.of("chats",
                    List.of(Map.of("chatId", theirs, "seq", 0, "changes", 0)))));
            assertEquals("error", stranger.getString("event"));
            assertEquals("not_a_participant", stranger.getJsonObject("data").getString("code"));
            for (Object nonsense : List.of("all", List.of(Map.of("chatId", theirs, "seq", -1)), List.of(Map.of("seq", 1)))) {
                JsonObject bad = socket.reply(socket.send("sync", Map.of("chats", nonsense)));
                assertEquals("validation_failed", bad.getJsonObject("data").getString("code"), bad.encode());
            }
            String mine = ann.directChatWith(TestUser.create("eve"));
            assertEquals(mine, sync(socket, mine, 0, 0).getString("chatId"), "the socket still answers");
        }
    }

    @Test
    void aDeletedMessageCannotBeEditedBackToLife() {
        TestUser ann = TestUser.create("ann");
        String chat = ann.directChatWith(TestUser.create("ben"));
        String message = ann.send(chat, "secret").getString("id");
        ann.api().delete("/chat/message/" + message).then().statusCode(204);
        ann.api().contentType(ContentType.JSON).body(Map.of("content", "back")).patch("/chat/message/" + message)
                .then().statusCode(409).body("code", equalTo("message_deleted"));
        Document stored = store.findRaw("messages", new Document("_id", new ObjectId(message)));
        assertNull(stored.get("ciphertext"), "no content next to deletedAt");
        assertNotNull(stored.get("deletedAt"));
    }

    @Test
    void anEditCrossingADeleteNeverUndoesIt() throws Exception {
        TestUser ann = TestUser.create("ann");
        String chat = ann.directChatWith(TestUser.create("ben"));
        for (int round = 0; round < 20; round++) {
            String message = ann.send(chat, "round " + round).getString("id");
            CyclicBarrier start = new CyclicBarrier(2);
            Future<Integer> edit = THREADS.submit(() -> {
                start.await(10, TimeUnit.SECONDS);
                return ann.api().contentType(ContentType.JSON).body(Map.of("content", "edited")).patch("/chat/message/" + message)
                        .then().extract().statusCode();
            });
            Future<Integer> delete = THREADS.submit(() -> {
                start.await(10, TimeUnit.SECONDS);
                return ann.api().delete("/chat/message/" + message).then().extract().statusCode();
            });
            assertEquals(204, delete.get(30, TimeUnit.SECONDS));
            assertTrue(List.of(200, 409).contains(edit.get(30, TimeUnit.SECONDS)));
            Document stored = store.findRaw("messages", new Document("_id", new ObjectId(message)));
            assertNotNull(stored.get("deletedAt"), "round " + round + ": the delete stands");
            assertNull(stored.get("ciphertext"), "round " + round + ": no content came back");
        }
    }

    @Test
    void aReadPositionNeverMovesBack() throws Exception {
        TestUser ann = TestUser.create("ann");
        TestUser ben = TestUser.create("ben");
        String chat = ann.directChatWith(ben);
        String first = ann.send(chat, "1").getString("id");
        ann.send(chat, "2");
        String third = ann.send(chat, "3").getString("id");
        for (int round = 0; round < 10; round++) {
            CyclicBarrier start = new CyclicBarrier(2);
            List<Future<?>> readers = new ArrayList<>();
            for (String message : List.of(first, third)) {
                readers.add(THREADS.submit(() -> {
                    start.await(10, TimeUnit.SECONDS);
                    ben.api().contentType(ContentType.JSON).body(Map.of("messageId", message)).post("/chat/" + chat + "/read")
                            .then().statusCode(204);
                    return null;
                }));
            }
            for (Future<?> reader : readers) {
                reader.get(30, TimeUnit.SECONDS);
            }
            Document stored = store.findRaw("chats", new Document("_id", new ObjectId(chat)));
            Document marker = stored.get("readMarkers", Document.class).get(ben.id(), Document.class);
            assertEquals(third, marker.getString("messageId"), "round " + round);
        }
        ben.api().get("/chat").then().statusCode(200).body("chats.find { it.id == '" + chat + "' }.unreadCount", equalTo(0));
    }

    @Test
    void messageAndChatWritesWaitForAMajority() {
        WriteConcern concern = mongo.getDatabase("chat").getWriteConcern();
        assertEquals("majority", concern.getWString());
        assertFalse(concern.getWTimeout(TimeUnit.MILLISECONDS) == null);
    }

    private JsonObject sync(TestSocket socket, String chat, long seq, long changes) throws InterruptedException {
        JsonObject reply = socket.reply(socket.send("sync", Map.of("chats", List.of(Map.of("chatId", chat, "seq", seq,
                "changes", changes)))));
        assertEquals("sync:result", reply.getString("event"), reply.encode());
        return reply.getJsonObject("data").getJsonArray("chats").getJsonObject(0);
    }

    private long reserveNumber(String chat) {
        return store.database().getCollection("chats").findOneAndUpdate(new Document("_id", new ObjectId(chat)),
                new Document("$inc", new Document("seq", 1L)), new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER))
                .getLong("seq");
    }

    private ObjectId storeLateMessage(String chat, String sender) {
        return storeLateMessage(chat, sender, reserveNumber(chat));
    }

    private ObjectId storeLateMessage(String chat, String sender, long seq) {
        Message late = new Message();
        late.id = new ObjectId();
        late.chatId = chat;
        late.senderId = sender;
        late.type = "text"; // the ciphertext is bound to the type too
        encryption.seal(late, "stamped early, stored late", null);
        store.database().getCollection("messages").insertOne(new Document("_id", late.id).append("chatId", chat)
                .append("senderId", sender).append("type", "text").append("seq", seq).append("keyId", late.keyId)
                .append("nonce", new Binary(late.nonce)).append("ciphertext", new Binary(late.ciphertext))
                .append("timestamp", Date.from(Instant.now().minus(1, ChronoUnit.HOURS)))
                .append("clientMessageId", "late-" + seq));
        return late.id;
    }
}
