package dev.parley.chat.inbox;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import dev.parley.chat.conversation.Chat;
import dev.parley.chat.conversation.ChatDirectory;
import dev.parley.chat.conversation.ChatDtos.CreateChatRequest;
import dev.parley.chat.conversation.ChatService;
import dev.parley.chat.conversation.ChatStore;
import dev.parley.chat.inbox.InboxDtos.ChatView;
import dev.parley.chat.message.MessageHistory;

/**
 * A user's chat list: the chats they are in, newest activity first, each with its newest message
 * and their unread count. A read model over chats and messages, so it sits above both.
 */
@ApplicationScoped
public class Inbox {

    /** Chats in one list answer. */
    static final int LIST_LIMIT = 200;

    private final ChatStore chats;
    private final ChatDirectory directory;
    private final ChatService starts;
    private final MessageHistory history;

    public Inbox(ChatStore chats, ChatDirectory directory, ChatService starts, MessageHistory history) {
        this.chats = chats;
        this.directory = directory;
        this.starts = starts;
        this.history = history;
    }

    /** A started chat as its creator sees it, and whether it already existed. */
    public record Started(ChatView chat, boolean existed) {
    }

    public Started start(String callerId, CreateChatRequest request) {
        ChatService.Created created = starts.create(callerId, request);
        return new Started(entry(created.chat(), callerId), created.existed());
    }

    /** A message moves its chat's {@code lastMessageAt} when it is numbered, before it is acknowledged. */
    public List<ChatView> list(String userId) {
        List<Chat> mine = chats.newestOf(userId, LIST_LIMIT);
        List<ChatView> result = new ArrayList<>(mine.size());
        for (Chat chat : mine) {
            directory.remember(chat);
            result.add(entry(chat, userId));
        }
        return result;
    }

    private ChatView entry(Chat chat, String userId) {
        return new ChatView(chat.idHex(), chat.type, chat.participantIds, chat.name, chat.createdAt, chat.createdBy,
                chat.lastMessageAt, history.newest(chat), history.unreadCount(chat, userId));
    }
}
