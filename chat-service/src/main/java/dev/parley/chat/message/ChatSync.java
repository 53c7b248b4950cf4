package dev.parley.chat.message;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.parley.chat.ChatConfig;
import dev.parley.chat.conversation.Chat;
import dev.parley.chat.conversation.ChatDirectory;
import dev.parley.chat.conversation.ChatStore;
import dev.parley.chat.message.MessageDtos.MessageView;
import dev.parley.support.problem.ProblemException;

/**
 * The reconnect sync: for each chat the client names with what it has (messages through
 * {@code seq}, changes through {@code changes}), the messages after it and the edits, deletes and
 * read positions after it, with the cursors to ask with next time. Every chat of the user comes
 * back in {@code heads} (its newest seq and change), so a client also learns of chats it does not
 * know yet.
 *
 * <p>Why nothing falls between two syncs. Messages: a message takes its number just before its
 * insert, so a number can be given out and its message not stored yet; the message cursor given
 * back is therefore the highest number up to which every number is either here or void (recorded
 * on the chat: its message was not stored), and it waits at any other gap, unless the message
 * after that gap is older than {@link #IN_FLIGHT} (no insert takes that long: a writer that died
 * between reserving and storing). Changes: a change is stored first and numbered after, and one
 * not numbered yet is returned anyway, so every change with a number up to what the chat record
 * said (read before the messages) is in the answer.
 *
 * <p>An answer is bounded by count ({@code sync-page-size}) and by the bytes of its messages' JSON
 * ({@code socket.sync-page-bytes}): it stops before the item that would pass either, and the
 * cursors are those of what it returns, so the client's next ask starts right after.
 */
@ApplicationScoped
public class ChatSync {

    /** At most this many chats in one request. */
    static final int MAX_CHATS = 1000;
    /** Far longer than any writer takes from reserving a number to storing its message. */
    static final Duration IN_FLIGHT = Duration.ofSeconds(30);

    /** What the client has of one chat. */
    public record Position(String chatId, long seq, long changes) {
    }

    /** What it gets for one chat: ask again with {@code seq} and {@code changes}. */
    public record ChatChanges(String chatId, List<MessageView> messages, List<MessageView> changed, List<Read> reads,
            long seq, long changes, boolean more) {
    }

    /** A participant's read position. */
    public record Read(String userId, String messageId, long seq) {
    }

    /** The answer; when {@code more}, ask again with the new cursors. */
    public record Result(List<ChatChanges> chats, List<Position> heads, boolean more) {
    }

    private final int pageSize;
    private final int pageBytes;
    private final ObjectMapper json;
    private final ChatDirectory directory;
    private final ChatStore chats;
    private final MessageStore messages;
    private final MessageViewer viewer;

    public ChatSync(ChatConfig config, ObjectMapper json, ChatDirectory directory, ChatStore chats, MessageStore messages,
            MessageViewer viewer) {
        this.pageSize = config.syncPageSize();
        this.pageBytes = config.socket().syncPageBytes();
        this.json = json;
        this.directory = directory;
        this.chats = chats;
        this.messages = messages;
        this.viewer = viewer;
    }

    public Result sync(String userId, List<Position> positions) {
        if (positions.size() > MAX_CHATS) {
            throw ProblemException.badRequest("validation_failed", "at most " + MAX_CHATS + " chats in one sync");
        }
        positions.forEach(p -> directory.membersFor(p.chatId(), userId));
        Page page = new Page(pageSize, pageBytes);
        List<ChatChanges> answers = new ArrayList<>(positions.size());
        for (Position position : positions) {
            answers.add(chat(position, page));
        }
        List<Position> heads = new ArrayList<>();
        chats.allOf(userId).forEach(c -> heads.add(new Position(c.idHex(), c.seq, c.changeSeq)));
        return new Result(answers, heads, answers.stream().anyMatch(ChatChanges::more));
    }

    /**
     * What is left of one answer: items (messages and changes) and bytes of their JSON. An item
     * that would pass the bytes is not taken, unless it is the answer's first: a message larger
     * than the page still gets through, one per answer.
     */
    private final class Page {
        int items;
        long bytes;
        boolean empty = true;

        Page(int items, long bytes) {
            this.items = items;
            this.bytes = bytes;
        }

        boolean full() {
            return items <= 0 || (bytes <= 0 && !empty);
        }

        boolean take(MessageView view) {
            int size = sizeOf(view);
            if (!empty && size > bytes) {
                bytes = 0;
                return false;
            }
            empty = false;
            items--;
            bytes -= size;
            return true;
        }
    }

    private int sizeOf(MessageView view) {
        try {
            return json.writeValueAsBytes(view).length;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Message not serializable", e);
        }
    }

    private ChatChanges chat(Position from, Page page) {
        Chat chat = chats.byId(from.chatId());
        if (page.full()) {
            return new ChatChanges(from.chatId(), List.of(), List.of(), List.of(), from.seq(), from.changes(),
                    chat.seq > from.seq() || chat.changeSeq > from.changes());
        }
        int budget = page.items;
        List<Message> found = messages.afterSeq(from.chatId(), from.seq(), budget + 1);
        boolean moreMessages = found.size() > budget;
        if (moreMessages) {
            found = found.subList(0, budget);
        }
        List<MessageView> views = new ArrayList<>(found.size());
        for (Message m : found) {
            MessageView view = viewer.view(m, chat);
            if (!page.take(view)) {
                moreMessages = true;
                break;
            }
            views.add(view);
        }
        found = found.subList(0, views.size());
        // the cursor is worked out on what is returned: a page cut by bytes is like one cut by count
        long throughSeq = contiguousThrough(chat, from.seq(), found, Instant.now().minus(IN_FLIGHT));

        int left = Math.max(1, page.items);
        List<Message> changedFound = messages.changedAfter(from.chatId(), from.changes(), throughSeq, left + 1);
        boolean moreChanges = changedFound.size() > left;
        if (moreChanges) {
            changedFound = changedFound.subList(0, left);
        }
        List<MessageView> changed = new ArrayList<>(changedFound.size());
        for (Message m : changedFound) {
            MessageView view = viewer.view(m, chat);
            if (!page.take(view)) {
                moreChanges = true;
                break;
            }
            changed.add(view);
        }
        changedFound = changedFound.subList(0, changed.size());
        long throughChanges = moreChanges ? lastChange(changedFound, from.changes()) : Math.max(chat.changeSeq, from.changes());
        return new ChatChanges(from.chatId(), views, changed, reads(chat, from.changes()), throughSeq, throughChanges,
                moreMessages || moreChanges);
    }

    private static List<Read> reads(Chat chat, long afterChange) {
        List<Read> reads = new ArrayList<>();
        if (chat.readMarkers != null) {
            for (Map.Entry<String, Chat.ReadMarker> entry : chat.readMarkers.entrySet()) {
                Chat.ReadMarker marker = entry.getValue();
                boolean changed = Boolean.TRUE.equals(marker.pending) || (marker.changeSeq != null && marker.changeSeq > afterChange);
                if (changed && marker.seq != null) {
                    reads.add(new Read(entry.getKey(), marker.messageId, marker.seq));
                }
            }
        }
        return reads;
    }

    /** The highest number up to which every number is in {@code page} (sorted by seq) or void. */
    private static long contiguousThrough(Chat chat, long from, List<Message> page, Instant stale) {
        Set<Long> voids = chat.voids == null ? Set.of() : new HashSet<>(chat.voids);
        long next = from + 1;
        for (Message m : page) {
            if (m.seq == null || m.seq < next) {
                continue;
            }
            while (next < m.seq && (voids.contains(next) || m.timestamp.isBefore(stale))) {
                next++;
            }
            if (m.seq != next) {
                return next - 1; // a number whose message may still be on its way
            }
            next++;
        }
        while (next <= chat.seq && voids.contains(next)) {
            next++;
        }
        return next - 1;
    }

    private static long lastChange(List<Message> page, long from) {
        long last = from;
        for (Message m : page) {
            if (m.changeSeq != null && !Boolean.TRUE.equals(m.changePending)) {
                last = Math.max(last, m.changeSeq);
            }
        }
        return last;
    }
}
