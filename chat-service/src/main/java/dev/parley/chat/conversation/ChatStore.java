package dev.parley.chat.conversation;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.exists;
import static com.mongodb.client.model.Filters.gt;
import static com.mongodb.client.model.Filters.lt;
import static com.mongodb.client.model.Filters.or;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.bson.Document;
import org.bson.types.ObjectId;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Updates;

import io.quarkus.runtime.StartupEvent;

/**
 * The one place that reads and writes the {@code chats} collection, and creates its indexes. The
 * chat record also hands out the chat's numbers: message numbers ({@link #reserveMessages}) and
 * change numbers ({@link #nextChange}), each by one atomic {@code $inc}, so they stay right with
 * any number of replicas writing to one chat.
 */
@ApplicationScoped
public class ChatStore {

    private static final FindOneAndUpdateOptions AFTER = new FindOneAndUpdateOptions()
            .returnDocument(ReturnDocument.AFTER).projection(Projections.include("seq", "changeSeq"));

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

    /** Every chat, in id order, {@code limit} at a time after {@code after} (null: from the start). */
    public List<Chat> allAfter(ObjectId after, int limit) {
        return Chat.<Chat>mongoCollection().find(after == null ? new Document() : gt("_id", after))
                .sort(new Document("_id", 1)).limit(limit).into(new ArrayList<>());
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

    /**
     * Reserves {@code count} message numbers and moves {@code lastMessageAt} forward to {@code newest}
     * (never back, whatever other replicas wrote), in one atomic update.
     *
     * @return the last number reserved: the chat's messages {@code last - count + 1 .. last} are these
     */
    public long reserveMessages(String chatId, int count, Instant newest) {
        Chat chat = Chat.<Chat>mongoCollection().findOneAndUpdate(eq("_id", new ObjectId(chatId)),
                Updates.combine(Updates.inc("seq", count), Updates.max("lastMessageAt", newest)), AFTER);
        if (chat == null) {
            throw new IllegalStateException("chat " + chatId + " is gone");
        }
        return chat.seq;
    }

    /** Message numbers that were reserved but whose messages were not stored. */
    public void addVoids(String chatId, List<Long> seqs) {
        Chat.mongoCollection().updateOne(eq("_id", new ObjectId(chatId)), Updates.addEachToSet("voids", seqs));
    }

    /** The next change number of the chat (an edit, a delete or a read position). */
    public long nextChange(ObjectId chatId) {
        Chat chat = Chat.<Chat>mongoCollection().findOneAndUpdate(eq("_id", chatId), Updates.inc("changeSeq", 1L), AFTER);
        if (chat == null) {
            throw new IllegalStateException("chat " + chatId + " is gone");
        }
        return chat.changeSeq;
    }

    /**
     * Moves the user's read position to the marker if it is further than the one stored (one
     * conditional update, so two devices reading at once cannot move it back).
     *
     * @return whether it moved
     */
    public boolean moveReadMarker(ObjectId chatId, String userId, Chat.ReadMarker marker) {
        String at = "readMarkers." + userId;
        return Chat.mongoCollection().updateOne(and(eq("_id", chatId),
                or(exists(at, false), exists(at + ".seq", false), lt(at + ".seq", marker.seq))),
                Updates.set(at, marker)).getModifiedCount() > 0;
    }

    /** Gives a moved read position its change number (unless it has moved on again meanwhile). */
    public void numberReadMarker(ObjectId chatId, String userId, long markerSeq, long change) {
        String at = "readMarkers." + userId;
        Chat.mongoCollection().updateOne(and(eq("_id", chatId), eq(at + ".seq", markerSeq)),
                Updates.combine(Updates.max(at + ".changeSeq", change), Updates.unset(at + ".pending")));
    }

    /** A read position stored before positions had a seq gets one (start-up, once). */
    public void numberOldReadMarker(ObjectId chatId, String userId, long markerSeq) {
        String at = "readMarkers." + userId;
        Chat.mongoCollection().updateOne(and(eq("_id", chatId), exists(at + ".seq", false)),
                Updates.set(at + ".seq", markerSeq));
    }
}
