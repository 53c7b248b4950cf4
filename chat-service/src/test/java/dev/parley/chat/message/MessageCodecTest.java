package dev.parley.chat.message;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
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
        BsonDocument full = encode(codec, full());
        assertEquals(fields().size(), full.size(), "every field of a full message is stored: " + full.toJson());
        assertEquals(encode(pojo, full()), full);
        assertEquals(encode(pojo, sparse()), encode(codec, sparse()));
    }

    @Test
    void readsWhatThePojoCodecWrote() throws IllegalAccessException {
        for (Message written : List.of(full(), sparse())) {
            Message read = decode(encode(pojo, written));
            for (Field field : fields()) {
                Object expected = field.get(written);
                Object actual = field.get(read);
                if (expected instanceof byte[] bytes) {
                    assertArrayEquals(bytes, (byte[]) actual, field.getName());
                } else {
                    assertEquals(expected, actual, field.getName());
                }
            }
        }
    }

    @Test
    void skipsFieldsItDoesNotKnowAndReadsNullAsAbsent() {
        BsonDocument stored = encode(codec, full());
        stored.put("addedLater", new BsonString("x"));
        stored.put("receiverId", BsonNull.VALUE);
        Message read = decode(stored);
        assertEquals("chatId-value", read.chatId);
        assertEquals("clientMessageId-value", read.clientMessageId);
        assertNull(read.receiverId);
    }

    /** Every field set (by reflection, so that a field added to Message is covered without touching this test). */
    private static Message full() {
        Message m = new Message();
        try {
            for (Field field : fields()) {
                field.set(m, sample(field));
            }
        } catch (IllegalAccessException e) {
            throw new AssertionError(e);
        }
        return m;
    }

    /** Message's persistent fields (declared ones: Quarkus's entity enhancement may change their visibility). */
    private static List<Field> fields() {
        List<Field> fields = Arrays.stream(Message.class.getDeclaredFields())
                .filter(f -> !Modifier.isStatic(f.getModifiers()) && !f.isSynthetic()).toList();
        fields.forEach(f -> f.setAccessible(true));
        return fields;
    }

    private static Object sample(Field field) {
        Class<?> type = field.getType();
        if (type == String.class) {
            return field.getName() + "-value";
        }
        if (type == byte[].class) {
            return field.getName().getBytes(StandardCharsets.UTF_8);
        }
        if (type == Instant.class) {
            return Instant.parse("2026-11-25T00:00:00.123Z").plusSeconds(field.getName().length());
        }
        if (type == ObjectId.class) {
            return new ObjectId("665f1c2e8f1b2a3c4d5e6f70");
        }
        if (type == Long.class) {
            return 1_000_000_000_000L + field.getName().length();
        }
        if (type == Boolean.class) {
            return Boolean.TRUE;
        }
        throw new AssertionError("Message." + field.getName() + " is a " + type.getSimpleName()
                + ": give it a sample here and an encoding in MessageCodec");
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
