package dev.parley.chat.conversation;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.lt;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.bson.Document;
import org.bson.types.ObjectId;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.Updates;

import io.quarkus.runtime.StartupEvent;

/** The one place that reads and writes the {@code chats} collection, and creates its indexes. */
@ApplicationScoped
public class ChatStore {

    void createIndexes(@Observes StartupEvent event) {
        var chats = Chat.mongoCollection();
        chats.createIndex(Indexes.ascending("directKey"), new IndexOptions().name("direct_key_unique").unique(true));
        chats.createIndex(Indexes.compoundIndex(Indexes.ascending("participantIds"), Indexes.descending("lastMessageAt")),
                new IndexOptions().name("participant_activity"));
    }

    /** The chat, or null when there is none with this id (or it is not an id). */
    public Chat byId(String chatId) {
        return ObjectId.isValid(chatId) ? Chat.findById(new ObjectId(chatId)) : null;
    }

    public Chat byDirectKey(String directKey) {
        return Chat.find("directKey", directKey).firstResult();
    }

    /** @return false when a chat with the same {@code directKey} is stored already (nothing written) */
    public boolean insert(Chat chat) {
        try {
            chat.persist();
            return true;
        } catch (MongoWriteException e) {
            if (ErrorCategory.fromErrorCode(e.getCode()) != ErrorCategory.DUPLICATE_KEY) {
                throw e;
            }
            return false;
        }
    }

    /** The user's chats, newest stored activity first, at most {@code limit}. */
    public List<Chat> newestOf(String userId, int limit) {
        return Chat.<Chat>mongoCollection().find(eq("participantIds", userId))
                .sort(new Document("lastMessageAt", -1)).limit(limit).into(new ArrayList<>());
    }

    /** Every chat of the user. */
    public List<Chat> allOf(String userId) {
        return Chat.<Chat>mongoCollection().find(eq("participantIds", userId)).into(new ArrayList<>());
    }

    /** Everyone who shares a chat with the user. */
    public Set<String> contactsOf(String userId) {
        Set<String> contacts = new HashSet<>();
        Chat.<Chat>mongoCollection().find(eq("participantIds", userId))
                .projection(new Document("participantIds", 1))
                .forEach(chat -> contacts.addAll(chat.participantIds));
        contacts.remove(userId);
        return contacts;
    }

    public void setReadMarker(ObjectId chatId, String userId, Chat.ReadMarker marker) {
        Chat.mongoCollection().updateOne(eq("_id", chatId), Updates.set("readMarkers." + userId, marker));
    }

    /** Moves each chat's {@code lastMessageAt} forward to the given time, never back (whatever other replicas wrote). */
    public void advanceActivity(Map<String, Instant> newestByChat) {
        List<UpdateOneModel<Chat>> updates = new ArrayList<>(newestByChat.size());
        newestByChat.forEach((chatId, at) -> updates.add(new UpdateOneModel<>(
                and(eq("_id", new ObjectId(chatId)), lt("lastMessageAt", at)), Updates.set("lastMessageAt", at))));
        Chat.<Chat>mongoCollection().bulkWrite(updates, new BulkWriteOptions().ordered(false));
    }
}
