package dev.parley.chat.message;

import jakarta.enterprise.context.ApplicationScoped;

import org.bson.types.ObjectId;

import dev.parley.chat.conversation.Chat;
import dev.parley.chat.conversation.ChatDirectory;
import dev.parley.chat.conversation.ChatDirectory.Members;
import dev.parley.chat.conversation.ChatStore;
import dev.parley.support.problem.ProblemException;

/**
 * Read state: each participant's read position in a chat (kept on the chat, see
 * {@link Chat#readMarkers}). A position only moves forward (one conditional update) and, like an
 * edit, takes the chat's next change number after it moved.
 */
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

    /** Moves the user's read position forward to the message (never back) and tells the others. */
    public void markRead(String userId, String chatId, String messageId) {
        Members members = directory.membersFor(chatId, userId);
        Message message = messages.byId(messageId);
        if (message == null || !message.chatId.equals(chatId)) {
            throw ProblemException.notFound("message_not_found", "No such message in this chat");
        }
        if (message.seq == null) {
            return; // being numbered this very moment: nobody can have seen it yet
        }
        ObjectId chat = new ObjectId(chatId);
        if (!chats.moveReadMarker(chat, userId, new Chat.ReadMarker(message.idHex(), message.timestamp, message.seq))) {
            return; // already read as far or further
        }
        long change = chats.nextChange(chat);
        chats.numberReadMarker(chat, userId, message.seq, change);
        events.read(members, userId, message.idHex(), message.seq, change);
    }
}
