package dev.parley.chat.message;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

import org.bson.types.ObjectId;

/**
 * A position in a chat's history, (timestamp, id): the order history, sync and unread counts
 * walk, as an opaque string for clients ({@link MessageStore} turns it into the store's filter).
 */
public record HistoryCursor(Instant timestamp, ObjectId id) {

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
