package dev.parley.chat.conversation;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.TreeSet;

import jakarta.enterprise.context.ApplicationScoped;

import org.bson.types.ObjectId;

import dev.parley.chat.conversation.ChatDtos.CreateChatRequest;
import dev.parley.support.problem.ProblemException;

/** Starting chats: a group, or the one direct chat of two users. */
@ApplicationScoped
public class ChatService {

    private final ChatStore store;
    private final ChatDirectory directory;

    public ChatService(ChatStore store, ChatDirectory directory) {
        this.store = store;
        this.directory = directory;
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
        store.insert(chat);
        directory.remember(chat);
        return new Created(chat, false);
    }

    public Created findOrCreateDirect(String callerId, String otherId) {
        if (callerId.equals(otherId)) {
            throw ProblemException.badRequest("validation_failed", "You cannot start a direct chat with yourself");
        }
        String key = Chat.directKey(callerId, otherId);
        Chat existing = store.byDirectKey(key);
        if (existing == null) {
            Chat chat = newChat(Chat.DIRECT, callerId, List.of(otherId));
            chat.directKey = key;
            if (store.insert(chat)) {
                directory.remember(chat);
                return new Created(chat, false);
            }
            // created concurrently by the other side: use theirs
            existing = store.byDirectKey(key);
        }
        directory.remember(existing);
        return new Created(existing, true);
    }

    private static Chat newChat(String type, String callerId, Collection<String> others) {
        TreeSet<String> all = new TreeSet<>(others);
        all.add(callerId);
        Chat chat = new Chat();
        chat.id = new ObjectId();
        chat.type = type;
        chat.participantIds = new ArrayList<>(all);
        chat.createdAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        chat.createdBy = callerId;
        chat.lastMessageAt = chat.createdAt;
        chat.readMarkers = new HashMap<>();
        return chat;
    }
}
