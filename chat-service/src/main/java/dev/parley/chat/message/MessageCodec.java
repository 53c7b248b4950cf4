package dev.parley.chat.message;

import java.time.Instant;

import org.bson.BsonBinary;
import org.bson.BsonObjectId;
import org.bson.BsonValue;
import org.bson.BsonReader;
import org.bson.BsonType;
import org.bson.BsonWriter;
import org.bson.codecs.CollectibleCodec;
import org.bson.codecs.Codec;
import org.bson.codecs.DecoderContext;
import org.bson.codecs.EncoderContext;
import org.bson.codecs.configuration.CodecProvider;
import org.bson.codecs.configuration.CodecRegistry;
import org.bson.types.ObjectId;

/**
 * {@link Message} to and from BSON, field by field. Every message is encoded once on the send
 * path (the group-commit writer's bulk insert); the driver's reflective POJO codec cost about a
 * tenth of chat-service's CPU there. The document is the one the POJO codec wrote (same field
 * names and types, null fields left out), so stored messages read the same either way; fields
 * this codec does not know are skipped. Quarkus registers every {@link CodecProvider} it finds.
 */
public class MessageCodec implements CollectibleCodec<Message>, CodecProvider {

    @Override
    @SuppressWarnings("unchecked")
    public <T> Codec<T> get(Class<T> type, CodecRegistry registry) {
        return type == Message.class ? (Codec<T>) this : null;
    }

    @Override
    public Class<Message> getEncoderClass() {
        return Message.class;
    }

    @Override
    public void encode(BsonWriter writer, Message m, EncoderContext context) {
        writer.writeStartDocument();
        if (m.id != null) {
            writer.writeObjectId("_id", m.id);
        }
        string(writer, "chatId", m.chatId);
        string(writer, "senderId", m.senderId);
        string(writer, "receiverId", m.receiverId);
        string(writer, "type", m.type);
        string(writer, "keyId", m.keyId);
        binary(writer, "nonce", m.nonce);
        binary(writer, "ciphertext", m.ciphertext);
        int64(writer, "seq", m.seq);
        instant(writer, "timestamp", m.timestamp);
        string(writer, "clientMessageId", m.clientMessageId);
        instant(writer, "editedAt", m.editedAt);
        instant(writer, "deletedAt", m.deletedAt);
        int64(writer, "changeSeq", m.changeSeq);
        if (m.changePending != null) {
            writer.writeBoolean("changePending", m.changePending);
        }
        writer.writeEndDocument();
    }

    @Override
    public Message decode(BsonReader reader, DecoderContext context) {
        Message m = new Message();
        reader.readStartDocument();
        while (reader.readBsonType() != BsonType.END_OF_DOCUMENT) {
            String name = reader.readName();
            if (reader.getCurrentBsonType() == BsonType.NULL) {
                reader.readNull();
                continue;
            }
            switch (name) {
                case "_id" -> m.id = reader.readObjectId();
                case "chatId" -> m.chatId = reader.readString();
                case "senderId" -> m.senderId = reader.readString();
                case "receiverId" -> m.receiverId = reader.readString();
                case "type" -> m.type = reader.readString();
                case "keyId" -> m.keyId = reader.readString();
                case "nonce" -> m.nonce = reader.readBinaryData().getData();
                case "ciphertext" -> m.ciphertext = reader.readBinaryData().getData();
                case "seq" -> m.seq = readLong(reader);
                case "changeSeq" -> m.changeSeq = readLong(reader);
                case "changePending" -> m.changePending = reader.readBoolean();
                case "timestamp" -> m.timestamp = Instant.ofEpochMilli(reader.readDateTime());
                case "clientMessageId" -> m.clientMessageId = reader.readString();
                case "editedAt" -> m.editedAt = Instant.ofEpochMilli(reader.readDateTime());
                case "deletedAt" -> m.deletedAt = Instant.ofEpochMilli(reader.readDateTime());
                default -> reader.skipValue();
            }
        }
        reader.readEndDocument();
        return m;
    }

    @Override
    public Message generateIdIfAbsentFromDocument(Message m) {
        if (m.id == null) {
            m.id = new ObjectId();
        }
        return m;
    }

    @Override
    public boolean documentHasId(Message m) {
        return m.id != null;
    }

    @Override
    public BsonValue getDocumentId(Message m) {
        if (m.id == null) {
            throw new IllegalStateException("The message has no id");
        }
        return new BsonObjectId(m.id);
    }

    private static void string(BsonWriter writer, String name, String value) {
        if (value != null) {
            writer.writeString(name, value);
        }
    }

    private static void int64(BsonWriter writer, String name, Long value) {
        if (value != null) {
            writer.writeInt64(name, value);
        }
    }

    /** A number the store may hold as 32 or 64 bits ($inc keeps the type it finds). */
    private static long readLong(BsonReader reader) {
        return reader.getCurrentBsonType() == BsonType.INT32 ? reader.readInt32() : reader.readInt64();
    }

    private static void binary(BsonWriter writer, String name, byte[] value) {
        if (value != null) {
            writer.writeBinaryData(name, new BsonBinary(value));
        }
    }

    private static void instant(BsonWriter writer, String name, Instant value) {
        if (value != null) {
            writer.writeDateTime(name, value.toEpochMilli());
        }
    }
}
