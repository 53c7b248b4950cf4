package dev.parley.chat.message;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import dev.parley.chat.ChatConfig;
import dev.parley.chat.conversation.Chat;
import dev.parley.chat.conversation.ChatDirectory;
import dev.parley.chat.conversation.ChatStore;
import dev.parley.chat.message.MessageDtos.MessagePage;
import dev.parley.chat.message.MessageDtos.MessageView;
import dev.parley.support.problem.ProblemException;

/**
 * Reading messages: history pages of one chat (by seq), the sync by message id of the protocol's
 * first version (by (timestamp, id); the per-chat sync is {@link ChatSync}), a chat's newest and unread.
 */
@ApplicationScoped
public class MessageHistory {

    private final int syncPageSize;
    private final ChatDirectory directory;
    private final ChatStore chats;
    private final MessageStore messages;
    private final MessageViewer viewer;

    public MessageHistory(ChatConfig config, ChatDirectory directory, ChatStore chats, MessageStore messages,
            MessageViewer viewer) {
        this.syncPageSize = config.syncPageSize();
        this.directory = directory;
        this.chats = chats;
        this.messages = messages;
        this.viewer = viewer;
    }

    /** A sync answer: oldest first; when {@code more}, ask again from the last one. */
    public record SyncPage(List<MessageView> messages, boolean more) {
    }

    /** Newest first, {@code limit} at most, strictly older than {@code before} when given. */
    public MessagePage page(String userId, String chatId, String before, int limit) {
        directory.membersFor(chatId, userId);
        Long beforeSeq = before == null ? null : beforeSeq(chatId, before);
        List<Message> page = messages.page(chatId, beforeSeq, limit + 1);
        String next = null;
        if (page.size() > limit) {
            page = page.subList(0, limit);
            next = HistoryCursor.ofSeq(page.get(limit - 1).seq);
        }
        Chat chat = chats.byId(chatId);
        List<MessageView> views = new ArrayList<>(page.size());
        page.forEach(m -> views.add(viewer.view(m, chat)));
        return new MessagePage(views, next);
    }

    /** Every message of the user's chats after {@code since} (a message id or a cursor), oldest first, one page. */
    public SyncPage sync(String userId, String since) {
        if (since == null || since.isBlank()) {
            throw ProblemException.badRequest("validation_failed", "since is required: the id of the last message you have");
        }
        HistoryCursor after = syncStart(userId, since);
        Map<String, Chat> mine = new HashMap<>();
        chats.allOf(userId).forEach(c -> mine.put(c.idHex(), c));
        if (mine.isEmpty()) {
            return new SyncPage(List.of(), false);
        }
        List<Message> found = messages.after(mine.keySet(), after, syncPageSize + 1);
        boolean more = found.size() > syncPageSize;
        List<MessageView> views = new ArrayList<>();
        found.stream().limit(syncPageSize).forEach(m -> views.add(viewer.view(m, mine.get(m.chatId))));
        return new SyncPage(views, more);
    }

    private Long beforeSeq(String chatId, String before) {
        Long seq = HistoryCursor.seqOf(before);
        if (seq != null) {
            return seq;
        }
        HistoryCursor old = HistoryCursor.decode(before);
        Message at = old == null ? null : messages.byId(old.id().toHexString());
        if (at == null || !at.chatId.equals(chatId) || at.seq == null) {
            throw ProblemException.badRequest("invalid_cursor", "before is not a cursor this service issued");
        }
        return at.seq;
    }

    private HistoryCursor syncStart(String userId, String since) {
        Message last = messages.byId(since);
        if (last != null) {
            directory.membersFor(last.chatId, userId);
            return HistoryCursor.of(last);
        }
        HistoryCursor cursor = HistoryCursor.decode(since);
        if (cursor == null) {
            throw ProblemException.badRequest("invalid_cursor", "since is neither a message id nor a cursor");
        }
        return cursor;
    }

    /** The chat's newest message as its participants see it, or null. */
    public MessageView newest(Chat chat) {
        Message newest = messages.newest(chat.idHex());
        return newest == null ? null : viewer.view(newest, chat);
    }

    /** Messages from others after the user's read position. */
    public long unreadCount(Chat chat, String userId) {
        Chat.ReadMarker marker = chat.readMarkers == null ? null : chat.readMarkers.get(userId);
        return messages.countFromOthers(chat.idHex(), userId, marker == null ? null : marker.seq);
    }
}
