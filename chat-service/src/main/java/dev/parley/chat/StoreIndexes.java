package dev.parley.chat;

import jakarta.enterprise.event.Observes;

import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;

import io.quarkus.runtime.StartupEvent;

import dev.parley.chat.chat.Chat;
import dev.parley.chat.message.Message;

/** Creates chat-service's indexes at start-up; creating an existing index is a no-op. */
public class StoreIndexes {

    void create(@Observes StartupEvent event) {
        var messages = Message.mongoCollection();
        // the compound index history pages walk: chat, then newest first; _id breaks timestamp ties
        messages.createIndex(Indexes.compoundIndex(Indexes.ascending("chatId"), Indexes.descending("timestamp"),
                Indexes.descending("_id")), new IndexOptions().name("chat_timestamp"));
        messages.createIndex(Indexes.ascending("chatId", "senderId", "clientMessageId"),
                new IndexOptions().name("chat_sender_client_message_unique").unique(true));

        var chats = Chat.mongoCollection();
        chats.createIndex(Indexes.ascending("directKey"), new IndexOptions().name("direct_key_unique").unique(true));
        chats.createIndex(Indexes.compoundIndex(Indexes.ascending("participantIds"), Indexes.descending("lastMessageAt")),
                new IndexOptions().name("participant_activity"));
    }
}
