package dev.parley.chat.message;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import dev.parley.chat.conversation.ChatStore;

/**
 * Gives messages their place in their chat (seq 1, 2, 3, ...): one atomic reservation on the chat
 * per chat and batch ({@code $inc}). The writer numbers a batch before its insert, so each message
 * is written once, with its number; a number whose message is not stored after all (a retried
 * send found stored already, a refused insert) is recorded on the chat as void, and the sync's
 * cursor steps over voids and waits at any other gap (docs/reliability.md).
 */
@ApplicationScoped
public class MessageNumbers {

    private final ChatStore chats;
    private final MessageStore messages;

    public MessageNumbers(ChatStore chats, MessageStore messages) {
        this.chats = chats;
        this.messages = messages;
    }

    /** Numbers messages that are stored already, in the order given, and stores the numbers (start-up, repair). */
    public void number(List<Message> stored) {
        if (stored.isEmpty()) {
            return;
        }
        assign(stored);
        messages.number(stored);
    }

    /** Reserves and sets the numbers of messages about to be inserted, in the order given (each chat's in one reservation). */
    public void assign(List<Message> batch) {
        Map<String, List<Message>> byChat = new LinkedHashMap<>();
        batch.forEach(m -> byChat.computeIfAbsent(m.chatId, id -> new ArrayList<>()).add(m));
        byChat.forEach((chatId, inChat) -> {
            Instant newest = inChat.stream().map(m -> m.timestamp).max(Instant::compareTo).orElseThrow();
            long last = chats.reserveMessages(chatId, inChat.size(), newest);
            long next = last - inChat.size() + 1;
            for (Message m : inChat) {
                m.seq = next++;
            }
        });
    }

    /** Numbers reserved for messages that were not stored: void, so that the sync steps over them. */
    public void voided(List<Message> notStored) {
        Map<String, List<Long>> byChat = new LinkedHashMap<>();
        notStored.forEach(m -> byChat.computeIfAbsent(m.chatId, id -> new ArrayList<>()).add(m.seq));
        byChat.forEach(chats::addVoids);
    }
}
