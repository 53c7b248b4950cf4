package dev.parley.chat.message;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.gt;
import static com.mongodb.client.model.Filters.ne;
import static com.mongodb.client.model.Filters.or;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.parley.chat.chat.Chat;
import dev.parley.chat.crypto.MessageCipher;
import dev.parley.chat.message.MessageDtos.Attachment;
import dev.parley.chat.message.MessageDtos.MessageView;

/**
 * Turns stored messages into what clients see, and content into what is stored. Text is stored as
 * its UTF-8 bytes; an image or file as a small JSON document of URL and attachment data, so the
 * file name is encrypted too.
 */
@ApplicationScoped
public class MessageViews {

    private static final Logger LOG = Logger.getLogger(MessageViews.class);

    /** What an image or file message's ciphertext holds. */
    record AttachmentBody(String url, String name, Long size, String mime) {
    }

    private final MessageCipher cipher;
    private final ObjectMapper json;

    public MessageViews(MessageCipher cipher, ObjectMapper json) {
        this.cipher = cipher;
        this.json = json;
    }

    /** Seals content into the message (its id, chat and sender must be set). */
    public void seal(Message message, String content, Attachment attachment) {
        byte[] plaintext;
        if (attachment == null) {
            plaintext = content.getBytes(StandardCharsets.UTF_8);
        } else {
            try {
                plaintext = json.writeValueAsBytes(new AttachmentBody(content, attachment.name(), attachment.size(), attachment.mime()));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
        MessageCipher.Sealed sealed = cipher.seal(plaintext, message.associatedData());
        message.keyId = sealed.keyId();
        message.nonce = sealed.nonce();
        message.ciphertext = sealed.ciphertext();
    }

    /** The client's view; {@code readMarkers} decide read/readBy (may be empty for a new message). */
    public MessageView view(Message m, Map<String, Chat.ReadMarker> readMarkers, List<String> participants) {
        String content = null;
        Attachment attachment = null;
        String error = null;
        if (m.deletedAt == null) {
            try {
                byte[] plaintext = cipher.open(new MessageCipher.Sealed(m.keyId, m.nonce, m.ciphertext), m.associatedData());
                if ("text".equals(m.type)) {
                    content = new String(plaintext, StandardCharsets.UTF_8);
                } else {
                    AttachmentBody body = json.readValue(plaintext, AttachmentBody.class);
                    content = body.url();
                    attachment = new Attachment(body.name(), body.size(), body.mime());
                }
            } catch (MessageCipher.UnreadableContentException | java.io.IOException e) {
                LOG.errorf("Message %s in chat %s: content unreadable (%s)", m.idHex(), m.chatId, e.getMessage());
                error = "content_unreadable";
            }
        }
        List<String> readBy = new ArrayList<>();
        for (String participant : participants) {
            Chat.ReadMarker marker = readMarkers == null ? null : readMarkers.get(participant);
            if (!participant.equals(m.senderId) && marker != null && marker.covers(m.timestamp, m.idHex())) {
                readBy.add(participant);
            }
        }
        boolean read = !readBy.isEmpty() && readBy.size() == participants.size() - (participants.contains(m.senderId) ? 1 : 0);
        return new MessageView(m.idHex(), m.chatId, m.senderId, m.receiverId, m.type, content, error, attachment,
                m.timestamp, m.clientMessageId, m.editedAt, m.deletedAt, read, readBy);
    }

    /** The view of a message just sealed from this content: nobody has read it yet. */
    public MessageView fresh(Message m, String content, Attachment attachment) {
        return new MessageView(m.idHex(), m.chatId, m.senderId, m.receiverId, m.type, content, null, attachment,
                m.timestamp, m.clientMessageId, m.editedAt, m.deletedAt, false, List.of());
    }

    public MessageView view(Message m, Chat chat) {
        return view(m, chat.readMarkers, chat.participantIds);
    }

    /** The chat's newest message as the user sees it, or null. */
    public MessageView newest(Chat chat, String userId) {
        Message newest = Message.<Message>mongoCollection().find(eq("chatId", chat.idHex()))
                .sort(new Document("timestamp", -1).append("_id", -1)).limit(1).first();
        return newest == null ? null : view(newest, chat);
    }

    /** Messages from others after the user's read position. */
    public long unreadCount(Chat chat, String userId) {
        Chat.ReadMarker marker = chat.readMarkers == null ? null : chat.readMarkers.get(userId);
        var filter = and(eq("chatId", chat.idHex()), ne("senderId", userId), eq("deletedAt", null));
        if (marker != null) {
            filter = and(filter, or(gt("timestamp", marker.timestamp),
                    and(eq("timestamp", marker.timestamp), gt("_id", new ObjectId(marker.messageId)))));
        }
        return Message.mongoCollection().countDocuments(filter);
    }
}
