package dev.parley.chat.message;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.util.List;

import org.bson.BsonDocument;
import org.bson.BsonDocumentReader;
import org.bson.BsonDocumentWriter;
import org.bson.BsonNull;
import org.bson.BsonString;
import org.bson.codecs.Codec;
import org.bson.codecs.DecoderContext;
import org.bson.codecs.EncoderContext;
import org.bson.codecs.configuration.CodecRegistries;
import org.bson.codecs.pojo.PojoCodecProvider;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;

import com.mongodb.MongoClientSettings;

import dev.parley.chat.ChatTestResources;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The hand-written codec stores exactly what the driver's POJO codec stored before it (so older
 * messages read the same), and it is the codec the store actually uses for messages.
 */
@QuarkusTest
@ChatTestResources
class MessageCodecTest {

    /** What the driver used for messages before: its default codecs and the automatic POJO codec. */
    private final Codec<Message> pojo = CodecRegistries.fromRegistries(MongoClientSettings.getDefaultCodecRegistry(),
            CodecRegistries.fromProviders(PojoCodecProvider.builder().automatic(true).build())).get(Message.class);
    private final MessageCodec codec = new MessageCodec();

    @Test
    void theStoreEncodesMessagesWithIt() {
        assertInstanceOf(MessageCodec.class, Message.mongoCollection().getCodecRegistry().get(Message.class));
    }

    @Test
    void writesTheSameDocumentAsThePojoCodec() {
        for (Message m : List.of(full(), sparse())) {
            assertEquals(encode(pojo, m), encode(codec, m));
        }
    }

    @Test
    void readsWhatThePojoCodecWrote() {
        Message full = full();
        Message read = decode(encode(pojo, full));
        assertEquals(full.id, read.id);
        assertEquals(full.chatId, read.chatId);
        assertEquals(full.senderId, read.senderId);
        assertEquals(full.receiverId, read.receiverId);
        assertEquals(full.type, read.type);
        assertEquals(full.keyId, read.keyId);
        assertArrayEquals(full.nonce, read.nonce);
        assertArrayEquals(full.ciphertext, read.ciphertext);
        assertEquals(full.timestamp, read.timestamp);
        assertEquals(full.clientMessageId, read.clientMessageId);
        assertEquals(full.editedAt, read.editedAt);
        assertEquals(full.deletedAt, read.deletedAt);

        Message sparse = decode(encode(pojo, sparse()));
        assertNull(sparse.receiverId);
        assertNull(sparse.keyId);
        assertNull(sparse.nonce);
        assertNull(sparse.ciphertext);
        assertNull(sparse.editedAt);
    }

    @Test
    void skipsFieldsItDoesNotKnowAndReadsNullAsAbsent() {
        BsonDocument stored = encode(codec, full());
        stored.put("addedLater", new BsonString("x"));
        stored.put("receiverId", BsonNull.VALUE);
        Message read = decode(stored);
        assertEquals(full().chatId, read.chatId);
        assertEquals(full().clientMessageId, read.clientMessageId);
        assertNull(read.receiverId);
    }

    private static Message full() {
        Message m = new Message();
        m.id = new ObjectId("665f1c2e8f1b2a3c4d5e6f70");
        m.chatId = "665f1c2e8f1b2a3c4d5e6f71";
        m.senderId = "665f1c2e8f1b2a3c4d5e6f72";
        m.receiverId = "665f1c2e8f1b2a3c4d5e6f73";
        m.type = "text";
        m.keyId = "2026-01";
        m.nonce = new byte[] { 1, 2, 3 };
        m.ciphertext = new byte[] { 4, 5, 6, 7 };
        m.timestamp = Instant.parse("2026-11-25T00:00:00.123Z");
        m.clientMessageId = "c-1";
        m.editedAt = Instant.parse("2026-11-25T00:01:00.456Z");
        m.deletedAt = Instant.parse("2026-11-25T00:02:00.789Z");
        return m;
    }

    /** A deleted group message: no receiver, no key, no content, never edited. */
    private static Message sparse() {
        Message m = full();
        m.receiverId = null;
        m.keyId = null;
        m.nonce = null;
        m.ciphertext = null;
        m.editedAt = null;
        return m;
    }

    private static BsonDocument encode(Codec<Message> codec, Message m) {
        BsonDocument document = new BsonDocument();
        codec.encode(new BsonDocumentWriter(document), m, EncoderContext.builder().build());
        return document;
    }

    private Message decode(BsonDocument document) {
        return codec.decode(new BsonDocumentReader(document), DecoderContext.builder().build());
    }
}
