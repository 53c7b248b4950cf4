package dev.parley.chat.message;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import dev.parley.chat.conversation.ChatStore;

/**
 * Gives stored messages their place in their chat (seq 1, 2, 3, ...): one atomic reservation on
 * the chat per chat and batch, then the numbers written onto the messages. A message is numbered
 * after its insert, so a duplicate send never takes a number, and sync returns a message that is
 * stored but not numbered yet (see {@link MessageStore#afterSeq}) so nothing falls between.
 */
@ApplicationScoped
public class MessageNumbers {

    private final ChatStore chats;
    private final MessageStore messages;

    public MessageNumbers(ChatStore chats, MessageStore messages) {
        this.chats = chats;
        this.messages = messages;
    }

    /** Numbers the messages in the order given (each chat's in one reservation) and stores the numbers. */
    public void number(List<Message> stored) {
        if (stored.isEmpty()) {
            return;
        }
        Map<String, List<Message>> byChat = new LinkedHashMap<>();
        stored.forEach(m -> byChat.computeIfAbsent(m.chatId, id -> new ArrayList<>()).add(m));
        byChat.forEach((chatId, inChat) -> {
            Instant newest = inChat.stream().map(m -> m.timestamp).max(Instant::compareTo).orElseThrow();
            long last = chats.reserveMessages(chatId, inChat.size(), newest);
            long next = last - inChat.size() + 1;
            for (Message m : inChat) {
                m.seq = next++;
            }
        });
        messages.number(stored);
    }
}
