package dev.parley.chat.inbox;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import dev.parley.chat.conversation.Chat;
import dev.parley.chat.conversation.ChatDirectory;
import dev.parley.chat.conversation.ChatDtos.CreateChatRequest;
import dev.parley.chat.conversation.ChatService;
import dev.parley.chat.conversation.ChatStore;
import dev.parley.chat.inbox.InboxDtos.ChatView;
import dev.parley.chat.message.MessageHistory;
import dev.parley.chat.message.MessageWriter;

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
    private final MessageWriter writer;

    public Inbox(ChatStore chats, ChatDirectory directory, ChatService starts, MessageHistory history, MessageWriter writer) {
        this.chats = chats;
        this.directory = directory;
        this.starts = starts;
        this.history = history;
        this.writer = writer;
    }

    /** A started chat as its creator sees it, and whether it already existed. */
    public record Started(ChatView chat, boolean existed) {
    }

    public Started start(String callerId, CreateChatRequest request) {
        ChatService.Created created = starts.create(callerId, request);
        return new Started(entry(created.chat(), callerId), created.existed());
    }

    /**
     * Activity this replica has not written to the chat records yet (see {@link MessageWriter}) is
     * included; another replica's reaches the list within its writer's {@code activity-every}.
     */
    public List<ChatView> list(String userId) {
        List<Chat> mine = chats.newestOf(userId, LIST_LIMIT);
        List<ChatView> result = new ArrayList<>(mine.size());
        for (Chat chat : mine) {
            directory.remember(chat);
            result.add(entry(chat, userId));
        }
        result.sort(Comparator.comparing(ChatView::lastMessageAt, Comparator.nullsLast(Comparator.reverseOrder())));
        return result;
    }

    private ChatView entry(Chat chat, String userId) {
        return new ChatView(chat.idHex(), chat.type, chat.participantIds, chat.name, chat.createdAt, chat.createdBy,
                writer.activity(chat.idHex(), chat.lastMessageAt), history.newest(chat), history.unreadCount(chat, userId));
    }
}
