package dev.parley.chat.conversation;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.bson.codecs.pojo.annotations.BsonId;
import org.bson.types.ObjectId;

import io.quarkus.mongodb.panache.PanacheMongoEntityBase;
import io.quarkus.mongodb.panache.common.MongoEntity;

/**
 * A conversation, stored through {@link ChatStore}: {@code direct} between exactly two users (unique per pair through
 * {@code directKey}) or a named {@code group}. Each participant's read position lives here, so a
 * read receipt is one small update however many messages it covers.
 */
@MongoEntity(collection = "chats")
public class Chat extends PanacheMongoEntityBase {

    public static final String DIRECT = "direct";
    public static final String GROUP = "group";

    @BsonId
    public ObjectId id;
    public String type;
    /** Sorted user ids. */
    public List<String> participantIds;
    public String name;
    public Instant createdAt;
    public String createdBy;
    /** "direct:a:b" with the two ids sorted, or "group:<id>": unique either way. */
    public String directKey;
    /** Time of the newest message, or of creation; orders the chat list. */
    public Instant lastMessageAt;
    /** The newest message number given out in this chat (messages are 1..seq). */
    public long seq;
    /** The newest change number given out in this chat: edits, deletes and read positions. */
    public long changeSeq;
    /**
     * Message numbers given out whose message was not stored (a retried send found stored, a
     * refused insert): rare, so kept here, where the sync reads them.
     */
    public List<Long> voids;
    /** userId -> the newest message that user has read. */
    public Map<String, ReadMarker> readMarkers = new HashMap<>();

    /** A position in a chat's history: everything up to and including it. */
    public static class ReadMarker {
        public String messageId;
        public Instant timestamp;
        /** The message's seq; it only moves forward. */
        public Long seq;
        /** The chat's change number of this position (null while {@code pending}). */
        public Long changeSeq;
        /** True between the move and its change number: sync returns it either way. */
        public Boolean pending;

        public ReadMarker() {
        }

        public ReadMarker(String messageId, Instant timestamp, long seq) {
            this.messageId = messageId;
            this.timestamp = timestamp;
            this.seq = seq;
            this.pending = true;
        }

        /** Whether this position is at or after the message with this seq. */
        public boolean covers(Long messageSeq) {
            return seq != null && messageSeq != null && seq >= messageSeq;
        }
    }

    public String idHex() {
        return id.toHexString();
    }

    public static String directKey(String a, String b) {
        return a.compareTo(b) < 0 ? "direct:" + a + ":" + b : "direct:" + b + ":" + a;
    }
}
