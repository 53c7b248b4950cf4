package dev.parley.chat.chat;

import static com.mongodb.client.model.Filters.eq;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.TreeSet;

import jakarta.enterprise.context.ApplicationScoped;

import org.bson.Document;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;

import dev.parley.chat.chat.ChatDtos.ChatView;
import dev.parley.chat.chat.ChatDtos.CreateChatRequest;
import dev.parley.chat.message.MessageViews;
import dev.parley.chat.message.MessageWriter;
import dev.parley.support.problem.ProblemException;

/** Creating chats and listing a user's chats. */
@ApplicationScoped
public class ChatService {

    /** Chats in one list answer. */
    static final int LIST_LIMIT = 200;

    private final ChatDirectory directory;
    private final MessageViews views;
    private final MessageWriter writer;

    public ChatService(ChatDirectory directory, MessageViews views, MessageWriter writer) {
        this.directory = directory;
        this.views = views;
        this.writer = writer;
    }

    /** The result of a create: the chat and whether it already existed. */
    public record Created(Chat chat, boolean existed) {
    }

    public Created create(String callerId, CreateChatRequest request) {
        TreeSet<String> others = new TreeSet<>(request.participantIds());
        others.remove(callerId);
        if (others.isEmpty()) {
            throw ProblemException.badRequest("validation_failed", "participantIds must name someone other than you");
        }
        if (request.name() == null) {
            if (others.size() != 1) {
                throw ProblemException.badRequest("validation_failed", "A chat with several others needs a name");
            }
            return findOrCreateDirect(callerId, others.first());
        }
        Chat chat = newChat(Chat.GROUP, callerId, others);
        chat.name = request.name().strip();
        chat.directKey = "group:" + chat.id.toHexString();
        chat.persist();
        directory.remember(chat);
        return new Created(chat, false);
    }

    public Created findOrCreateDirect(String callerId, String otherId) {
        if (callerId.equals(otherId)) {
            throw ProblemException.badRequest("validation_failed", "You cannot start a direct chat with yourself");
        }
        String key = Chat.directKey(callerId, otherId);
        Chat existing = Chat.find("directKey", key).firstResult();
        if (existing != null) {
            directory.remember(existing);
            return new Created(existing, true);
        }
        Chat chat = newChat(Chat.DIRECT, callerId, List.of(otherId));
        chat.directKey = key;
        try {
            chat.persist();
        } catch (MongoWriteException e) {
            if (ErrorCategory.fromErrorCode(e.getCode()) != ErrorCategory.DUPLICATE_KEY) {
                throw e;
            }
            // created concurrently by the other side: use theirs
            chat = Chat.find("directKey", key).firstResult();
            directory.remember(chat);
            return new Created(chat, true);
        }
        directory.remember(chat);
        return new Created(chat, false);
    }

    /**
     * My chats, newest activity first, each with its newest message and my unread count. Activity
     * this replica has not written to the chat records yet (see {@link MessageWriter}) is included;
     * another replica's reaches the list within its writer's {@code activity-every}.
     */
    public List<ChatView> list(String userId) {
        List<Chat> chats = Chat.<Chat>mongoCollection().find(eq("participantIds", userId))
                .sort(new Document("lastMessageAt", -1)).limit(LIST_LIMIT).into(new ArrayList<>());
        List<ChatView> result = new ArrayList<>(chats.size());
        for (Chat chat : chats) {
            directory.remember(chat);
            result.add(view(chat, userId));
        }
        result.sort(Comparator.comparing(ChatView::lastMessageAt, Comparator.nullsLast(Comparator.reverseOrder())));
        return result;
    }

    public ChatView view(Chat chat, String userId) {
        return new ChatView(chat.idHex(), chat.type, chat.participantIds, chat.name, chat.createdAt, chat.createdBy,
                writer.activity(chat.idHex(), chat.lastMessageAt), views.newest(chat, userId), views.unreadCount(chat, userId));
    }

    private static Chat newChat(String type, String callerId, java.util.Collection<String> others) {
        TreeSet<String> all = new TreeSet<>(others);
        all.add(callerId);
        Chat chat = new Chat();
        chat.id = new org.bson.types.ObjectId();
        chat.type = type;
        chat.participantIds = new ArrayList<>(all);
        chat.createdAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        chat.createdBy = callerId;
        chat.lastMessageAt = chat.createdAt;
        chat.readMarkers = new HashMap<>();
        return chat;
    }
}
