package dev.parley.chat.message;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

import org.bson.types.ObjectId;

/**
 * A position in history as an opaque string for clients. History pages go by seq ({@link #ofSeq});
 * cursors issued before messages had a seq are (timestamp, id), still accepted: history resolves
 * them to their message's seq, and the sync by message id walks (timestamp, id)
 * ({@link MessageStore} turns that into the store's filter).
 */
public record HistoryCursor(Instant timestamp, ObjectId id) {

    private static final String SEQ = "seq:";

    /** The cursor of the position just before {@code seq}. */
    public static String ofSeq(long seq) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString((SEQ + seq).getBytes(StandardCharsets.US_ASCII));
    }

    /** The seq of a cursor from {@link #ofSeq}, or null when it is not one. */
    public static Long seqOf(String text) {
        try {
            String raw = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.US_ASCII);
            return raw.startsWith(SEQ) ? Long.valueOf(raw.substring(SEQ.length())) : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    public static HistoryCursor of(Message message) {
        return new HistoryCursor(message.timestamp, message.id);
    }

    public String encode() {
        String raw = timestamp.toEpochMilli() + ":" + id.toHexString();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.US_ASCII));
    }

    /** Null when the text is not a cursor we issued. */
    public static HistoryCursor decode(String text) {
        try {
            String raw = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.US_ASCII);
            int colon = raw.indexOf(':');
            String id = raw.substring(colon + 1);
            if (colon < 1 || !ObjectId.isValid(id)) {
                return null;
            }
            return new HistoryCursor(Instant.ofEpochMilli(Long.parseLong(raw.substring(0, colon))), new ObjectId(id));
        } catch (IllegalArgumentException | StringIndexOutOfBoundsException e) {
            return null;
        }
    }
}
