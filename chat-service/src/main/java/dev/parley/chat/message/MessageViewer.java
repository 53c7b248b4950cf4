package dev.parley.chat.message;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.parley.chat.conversation.Chat;
import dev.parley.chat.crypto.MessageCipher.UnreadableContentException;
import dev.parley.chat.message.MessageDtos.Attachment;
import dev.parley.chat.message.MessageDtos.MessageView;

/** Turns a stored message into what a participant sees: content decrypted, read state from the chat's read markers. */
@ApplicationScoped
public class MessageViewer {

    private static final Logger LOG = Logger.getLogger(MessageViewer.class);

    private final MessageEncryption encryption;

    public MessageViewer(MessageEncryption encryption) {
        this.encryption = encryption;
    }

    public MessageView view(Message m, Chat chat) {
        return view(m, chat.readMarkers, chat.participantIds);
    }

    /** The client's view; {@code readMarkers} decide read/readBy (may be empty for a new message). */
    public MessageView view(Message m, Map<String, Chat.ReadMarker> readMarkers, List<String> participants) {
        String content = null;
        Attachment attachment = null;
        String error = null;
        if (m.deletedAt == null) {
            try {
                MessageEncryption.Content opened = encryption.open(m);
                content = opened.content();
                attachment = opened.attachment();
            } catch (UnreadableContentException e) {
                LOG.errorf("Message %s in chat %s: content unreadable (%s)", m.idHex(), m.chatId, e.getMessage());
                error = "content_unreadable";
            }
        }
        List<String> readBy = new ArrayList<>();
        for (String participant : participants) {
            Chat.ReadMarker marker = readMarkers == null ? null : readMarkers.get(participant);
            if (!participant.equals(m.senderId) && marker != null && marker.covers(m.seq)) {
                readBy.add(participant);
            }
        }
        boolean read = !readBy.isEmpty() && readBy.size() == participants.size() - (participants.contains(m.senderId) ? 1 : 0);
        return new MessageView(m.idHex(), m.chatId, seqOf(m), m.senderId, m.receiverId, m.type, content, error, attachment,
                m.timestamp, m.clientMessageId, m.editedAt, m.deletedAt, read, readBy);
    }

    /** The view of a message just sealed from this content: nobody has read it yet. */
    public MessageView fresh(Message m, String content, Attachment attachment) {
        return new MessageView(m.idHex(), m.chatId, seqOf(m), m.senderId, m.receiverId, m.type, content, null, attachment,
                m.timestamp, m.clientMessageId, m.editedAt, m.deletedAt, false, List.of());
    }

    /** 0 for a message stored before messages had numbers, until the start-up numbers it. */
    private static long seqOf(Message m) {
        return m.seq == null ? 0 : m.seq;
    }
}
