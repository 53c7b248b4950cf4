package dev.parley.chat.conversation;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import dev.parley.support.problem.ProblemException;

/**
 * Who is in which chat, cached: every send and every relayed event checks membership, and
 * membership never changes after creation (there is no add/remove yet), so the store is asked once
 * per chat. Bounded: when it grows past its limit it starts over.
 */
@ApplicationScoped
public class ChatDirectory {

    private static final int LIMIT = 200_000;

    /** The part of a chat that authorization and fan-out need. */
    public record Members(String chatId, String type, List<String> participantIds) {
        public boolean includes(String userId) {
            return participantIds.contains(userId);
        }

        /** The other participant of a direct chat. */
        public String otherThan(String userId) {
            return participantIds.stream().filter(p -> !p.equals(userId)).findFirst().orElse(null);
        }
    }

    private final Map<String, Members> cache = new ConcurrentHashMap<>();
    private final ChatStore store;

    public ChatDirectory(ChatStore store) {
        this.store = store;
    }

    /** Blocking on a miss. Unknown chat -> 404; known chat, caller not in it -> 403. */
    public Members membersFor(String chatId, String userId) {
        Members members = find(chatId);
        if (members == null) {
            throw ProblemException.notFound("chat_not_found", "No such chat");
        }
        if (!members.includes(userId)) {
            throw ProblemException.forbidden("not_a_participant", "You are not in this chat");
        }
        return members;
    }

    /** Cached members, or null when the chat is not cached (no store access). */
    public Members cached(String chatId) {
        return cache.get(chatId);
    }

    public Members find(String chatId) {
        Members members = cache.get(chatId);
        if (members != null) {
            return members;
        }
        Chat chat = store.byId(chatId);
        return chat == null ? null : remember(chat);
    }

    public Members remember(Chat chat) {
        if (cache.size() >= LIMIT) {
            cache.clear();
        }
        Members members = new Members(chat.idHex(), chat.type, List.copyOf(chat.participantIds));
        cache.put(members.chatId(), members);
        return members;
    }
}
