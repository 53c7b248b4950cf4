package dev.parley.chat.message;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.Date;
import java.util.List;

import jakarta.inject.Inject;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;

import dev.parley.chat.ChatTestResources;
import dev.parley.testsupport.EmbeddedMongo;
import dev.parley.testsupport.InjectEmbeddedMongo;
import io.quarkus.test.junit.QuarkusTest;

/** Messages stored before messages had numbers get them at start-up, in the order they were written, once. */
@QuarkusTest
@ChatTestResources
class StartUpNumberingTest {

    @Inject
    StartUpNumbering numbering;

    @InjectEmbeddedMongo
    EmbeddedMongo store;

    @Test
    void oldMessagesAndReadPositionsGetTheirSeqInTimeOrderAndOnlyOnce() throws Exception {
        ObjectId chat = new ObjectId();
        store.database().getCollection("chats").insertOne(new Document("_id", chat).append("type", "direct")
                .append("participantIds", List.of("a", "b")).append("directKey", "direct:old:" + chat)
                .append("createdAt", new Date()).append("lastMessageAt", new Date())
                .append("readMarkers", new Document("b", new Document("messageId", "placeholder"))));
        // written out of time order on purpose: the numbers follow (timestamp, id), not insertion
        ObjectId second = oldMessage(chat, Instant.parse("2026-01-01T10:00:02Z"));
        ObjectId first = oldMessage(chat, Instant.parse("2026-01-01T10:00:01Z"));
        ObjectId third = oldMessage(chat, Instant.parse("2026-01-01T10:00:03Z"));
        store.database().getCollection("chats").updateOne(new Document("_id", chat),
                new Document("$set", new Document("readMarkers.b", new Document("messageId", second.toHexString())
                        .append("timestamp", Date.from(Instant.parse("2026-01-01T10:00:02Z"))))));
        store.database().getCollection("migrations").deleteOne(new Document("_id", StartUpNumbering.MIGRATION));

        numbering.run(null);
        numbering.run(null);

        assertEquals(1L, seqOf(first));
        assertEquals(2L, seqOf(second));
        assertEquals(3L, seqOf(third));
        Document stored = store.findRaw("chats", new Document("_id", chat));
        assertEquals(3L, ((Number) stored.get("seq")).longValue(), "the chat's next number follows them");
        Document marker = stored.get("readMarkers", Document.class).get("b", Document.class);
        assertEquals(2L, ((Number) marker.get("seq")).longValue());
    }

    private ObjectId oldMessage(ObjectId chat, Instant at) {
        ObjectId id = new ObjectId();
        store.database().getCollection("messages").insertOne(new Document("_id", id).append("chatId", chat.toHexString())
                .append("senderId", "a").append("type", "text").append("timestamp", Date.from(at))
                .append("clientMessageId", "old-" + id).append("deletedAt", new Date()));
        return id;
    }

    private long seqOf(ObjectId message) {
        return ((Number) store.findRaw("messages", new Document("_id", message)).get("seq")).longValue();
    }
}
