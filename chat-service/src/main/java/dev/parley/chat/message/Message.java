package dev.parley.chat.message;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.bson.codecs.pojo.annotations.BsonId;
import org.bson.types.ObjectId;

import io.quarkus.mongodb.panache.PanacheMongoEntityBase;
import io.quarkus.mongodb.panache.common.MongoEntity;

import dev.parley.chat.crypto.MessageCipher;
import dev.parley.chat.crypto.MessageCipher.Sealed;

/**
 * One message, stored through {@link MessageStore}. Its content is never stored in clear:
 * {@code keyId}, {@code nonce} and {@code ciphertext} hold it sealed by {@link MessageEncryption}.
 * A deleted message keeps its place in the history with the content wiped.
 */
@MongoEntity(collection = "messages")
public class Message extends PanacheMongoEntityBase {

    @BsonId
    public ObjectId id;
    public String chatId;
    public String senderId;
    /** The other participant of a direct chat; null in groups. */
    public String receiverId;
    /** text | image | file */
    public String type;
    public String keyId;
    public byte[] nonce;
    public byte[] ciphertext;
    /**
     * The message's place in its chat: 1, 2, 3, ..., reserved on the chat just before the insert
     * ({@link MessageNumbers}); history and sync go by it. Null only for messages stored before
     * messages had numbers, until the start-up numbers them ({@link StartUpNumbering}).
     */
    public Long seq;
    /** For display; the order is {@link #seq}. */
    public Instant timestamp;
    /** Chosen by the client (or the server when absent); a retried send returns the stored message. */
    public String clientMessageId;
    public Instant editedAt;
    public Instant deletedAt;
    /** The chat's change number of this message's latest edit or delete (see {@link MessageEdits}); null if never changed. */
    public Long changeSeq;
    /** True between an edit or delete and its change number: sync returns it either way. */
    public Boolean changePending;

    public String idHex() {
        return id.toHexString();
    }

    /**
     * What a new ciphertext is bound to: its record (id, chat, sender) and its type, so a copy on
     * any other record, or the record relabelled (text as image), fails to decrypt.
     */
    public byte[] associatedData() {
        return ("v2|" + idHex() + "|" + chatId + "|" + senderId + "|" + type).getBytes(StandardCharsets.UTF_8);
    }

    /** What {@code sealed} is bound to: {@link #associatedData()}, or for a legacy ciphertext id, chat and sender only. */
    public byte[] associatedData(Sealed sealed) {
        return MessageCipher.derived(sealed) ? associatedData()
                : (idHex() + "|" + chatId + "|" + senderId).getBytes(StandardCharsets.UTF_8);
    }

    public Sealed sealed() {
        return new Sealed(keyId, nonce, ciphertext);
    }

    public void seal(Sealed sealed) {
        keyId = sealed.keyId();
        nonce = sealed.nonce();
        ciphertext = sealed.ciphertext();
    }

    /** Wipes the content (a deleted message). */
    public void wipe(Instant at) {
        deletedAt = at;
        keyId = null;
        nonce = null;
        ciphertext = null;
    }
}
