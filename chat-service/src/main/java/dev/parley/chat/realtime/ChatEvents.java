package dev.parley.chat.realtime;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.util.RawValue;

import dev.parley.chat.conversation.ChatDirectory.Members;
import dev.parley.chat.message.MessageDtos.MessageView;
import dev.parley.chat.message.MessageEvents;
import dev.parley.chat.message.Sent;
import dev.parley.chat.presence.StatusAnnouncements;

/** The server-to-client events, each serialized once and handed to the {@link Fanout}. */
@ApplicationScoped
public class ChatEvents implements MessageEvents, StatusAnnouncements {

    private final Fanout fanout;
    private final ObjectMapper json;

    public ChatEvents(Fanout fanout, ObjectMapper json) {
        this.fanout = fanout;
        this.json = json;
    }

    /**
     * A sent message's wire form, serialized once and embedded in several frames (the receive frame
     * for the participants, the ack for the sender).
     */
    public RawValue serialized(Sent sent) {
        return sent.wire(this::serialize);
    }

    private RawValue serialize(MessageView message) {
        try {
            return new RawValue(json.writeValueAsString(message));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Message not serializable", e);
        }
    }

    @Override
    public void created(Members chat, Sent sent, String senderConnection) {
        fanout.toUsers(chat.participantIds(), frame("message:receive", Map.of("message", serialized(sent))), senderConnection);
    }

    @Override
    public void updated(Members chat, MessageView message, long change) {
        fanout.toUsers(chat.participantIds(), frame("message:updated", Map.of("message", message, "change", change)), null);
    }

    @Override
    public void deleted(Members chat, String messageId, Instant deletedAt, long change) {
        fanout.toUsers(chat.participantIds(), frame("message:deleted",
                Map.of("chatId", chat.chatId(), "messageId", messageId, "deletedAt", deletedAt, "change", change)), null);
    }

    @Override
    public void read(Members chat, String readerId, String messageId, long seq, long change) {
        fanout.toUsers(others(chat, readerId), frame("message:read", Map.of("chatId", chat.chatId(), "userId", readerId,
                "messageId", messageId, "seq", seq, "change", change)), null);
    }

    public void typing(Members chat, String userId, boolean typing) {
        fanout.toUsers(others(chat, userId), frame("user:typing",
                Map.of("chatId", chat.chatId(), "userId", userId, "typing", typing)), null);
    }

    @Override
    public void status(Collection<String> contacts, String userId, String status, Instant lastSeen) {
        fanout.toUsers(contacts, frame("user:status", Map.of("userId", userId, "status", status, "lastSeen", lastSeen)), null);
    }

    /** The UTF-8 length of a value's JSON (what it adds to a frame). */
    public int sizeOf(Object value) {
        try {
            return json.writeValueAsBytes(value).length;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Not serializable", e);
        }
    }

    public String frame(String event, Object data) {
        return serialize(Envelope.of(event, data));
    }

    public String serialize(Envelope envelope) {
        try {
            return json.writeValueAsString(envelope);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Event not serializable", e);
        }
    }

    private static List<String> others(Members chat, String userId) {
        return chat.participantIds().stream().filter(p -> !p.equals(userId)).toList();
    }
}
