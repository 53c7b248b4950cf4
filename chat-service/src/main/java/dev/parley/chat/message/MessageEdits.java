package dev.parley.chat.message;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

import jakarta.enterprise.context.ApplicationScoped;

import org.bson.types.ObjectId;

import dev.parley.chat.conversation.ChatDirectory;
import dev.parley.chat.conversation.ChatStore;
import dev.parley.chat.message.MessageDtos.MessageView;
import dev.parley.support.problem.ProblemException;

/**
 * Editing and deleting a message: its sender only; the participants are told. Each is one
 * conditional update of the fields it changes (an edit of a deleted message is refused, so a
 * delete stays a delete), then it takes the chat's next change number: a change is stored first
 * and numbered after, and sync returns changes that are stored but not numbered yet, so a client
 * whose change cursor passed a number has every change up to it.
 */
@ApplicationScoped
public class MessageEdits {

    private final MessageRules rules;
    private final ChatDirectory directory;
    private final ChatStore chats;
    private final MessageStore messages;
    private final MessageEncryption encryption;
    private final MessageViewer viewer;
    private final MessageEvents events;

    public MessageEdits(MessageRules rules, ChatDirectory directory, ChatStore chats, MessageStore messages,
            MessageEncryption encryption, MessageViewer viewer, MessageEvents events) {
        this.rules = rules;
        this.directory = directory;
        this.chats = chats;
        this.messages = messages;
        this.encryption = encryption;
        this.viewer = viewer;
        this.events = events;
    }

    public MessageView edit(String userId, String messageId, String content) {
        Message message = ownMessage(userId, messageId);
        if (!"text".equals(message.type)) {
            throw ProblemException.badRequest("not_editable", "Only text messages can be edited");
        }
        rules.checkText(content);
        encryption.seal(message, content, null);
        message.editedAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        if (message.deletedAt != null || !messages.edit(message, message.sealed(), message.editedAt)) {
            throw ProblemException.conflict("message_deleted", "A deleted message cannot be edited");
        }
        message.changeSeq = numberChange(message);
        MessageView view = viewer.view(message, chats.byId(message.chatId));
        events.updated(directory.find(message.chatId), view, message.changeSeq);
        return view;
    }

    public void delete(String userId, String messageId) {
        Message message = ownMessage(userId, messageId);
        if (message.deletedAt != null) {
            return;
        }
        message.wipe(Instant.now().truncatedTo(ChronoUnit.MILLIS));
        if (!messages.delete(message, message.deletedAt)) {
            return; // deleted by a request that crossed this one
        }
        events.deleted(directory.find(message.chatId), message.idHex(), message.deletedAt, numberChange(message));
    }

    private long numberChange(Message message) {
        long change = chats.nextChange(new ObjectId(message.chatId));
        messages.numberChange(message.id, change);
        return change;
    }

    private Message ownMessage(String userId, String messageId) {
        Message message = messages.byId(messageId);
        if (message == null) {
            throw ProblemException.notFound("message_not_found", "No such message");
        }
        directory.membersFor(message.chatId, userId);
        if (!message.senderId.equals(userId)) {
            throw ProblemException.forbidden("not_your_message", "Only the sender may change a message");
        }
        return message;
    }
}
