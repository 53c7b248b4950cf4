package dev.parley.chat.message;

import jakarta.enterprise.context.ApplicationScoped;

import org.bson.types.ObjectId;

import dev.parley.chat.conversation.Chat;
import dev.parley.chat.conversation.ChatDirectory;
import dev.parley.chat.conversation.ChatDirectory.Members;
import dev.parley.chat.conversation.ChatStore;
import dev.parley.support.problem.ProblemException;

/** Read state: each participant's read position in a chat (kept on the chat, see {@link Chat#readMarkers}). */
@ApplicationScoped
public class ReadReceipts {

    private final ChatDirectory directory;
    private final ChatStore chats;
    private final MessageStore messages;
    private final MessageEvents events;

    public ReadReceipts(ChatDirectory directory, ChatStore chats, MessageStore messages, MessageEvents events) {
        this.directory = directory;
        this.chats = chats;
        this.messages = messages;
        this.events = events;
    }

    /** A read marker as a position in the history. */
    static HistoryCursor position(Chat.ReadMarker marker) {
        return new HistoryCursor(marker.timestamp, new ObjectId(marker.messageId));
    }

    /** Moves the user's read position forward to the message (never back) and tells the others. */
    public void markRead(String userId, String chatId, String messageId) {
        Members members = directory.membersFor(chatId, userId);
        Message message = messages.byId(messageId);
        if (message == null || !message.chatId.equals(chatId)) {
            throw ProblemException.notFound("message_not_found", "No such message in this chat");
        }
        Chat chat = chats.byId(chatId);
        Chat.ReadMarker current = chat.readMarkers == null ? null : chat.readMarkers.get(userId);
        if (current != null && current.covers(message.timestamp, message.idHex())) {
            return;
        }
        chats.setReadMarker(chat.id, userId, new Chat.ReadMarker(message.idHex(), message.timestamp));
        events.read(members, userId, message.idHex());
    }
}
