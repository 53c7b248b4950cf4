package dev.parley.chat.message;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.gt;
import static com.mongodb.client.model.Filters.in;
import static com.mongodb.client.model.Filters.lt;
import static com.mongodb.client.model.Filters.ne;
import static com.mongodb.client.model.Filters.or;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.bson.Document;
import org.bson.conversions.Bson;
import org.bson.types.ObjectId;
import org.jboss.logging.Logger;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.Updates;

import io.quarkus.runtime.StartupEvent;

import dev.parley.chat.crypto.MessageCipher.Sealed;

/** The one place that reads and writes the {@code messages} collection, and creates its indexes. */
@ApplicationScoped
public class MessageStore {

    private static final Logger LOG = Logger.getLogger(MessageStore.class);
    private static final Document NEWEST_FIRST = new Document("timestamp", -1).append("_id", -1);
    private static final Document OLDEST_FIRST = new Document("timestamp", 1).append("_id", 1);

    /** What became of each message of a batch insert. */
    public enum Outcome { STORED, DUPLICATE, FAILED }

    void createIndexes(@Observes StartupEvent event) {
        var messages = Message.mongoCollection();
        // the compound index history pages walk: chat, then newest first; _id breaks timestamp ties
        messages.createIndex(Indexes.compoundIndex(Indexes.ascending("chatId"), Indexes.descending("timestamp"),
                Indexes.descending("_id")), new IndexOptions().name("chat_timestamp"));
        messages.createIndex(Indexes.ascending("chatId", "senderId", "clientMessageId"),
                new IndexOptions().name("chat_sender_client_message_unique").unique(true));
    }

    /**
     * One unordered bulk insert. A message whose {@code clientMessageId} was stored before is a
     * {@link Outcome#DUPLICATE} (see {@link #original}), not an error.
     *
     * @return the outcome of each message, in the order given
     */
    public Outcome[] insertAll(List<Message> messages) {
        Outcome[] outcomes = new Outcome[messages.size()];
        Arrays.fill(outcomes, Outcome.STORED);
        try {
            Message.<Message>mongoCollection().insertMany(messages, new InsertManyOptions().ordered(false));
        } catch (MongoBulkWriteException e) {
            e.getWriteErrors().forEach(error -> {
                boolean duplicate = ErrorCategory.fromErrorCode(error.getCode()) == ErrorCategory.DUPLICATE_KEY;
                if (!duplicate) {
                    LOG.errorf("Message %s not stored: code %d", messages.get(error.getIndex()).idHex(), error.getCode());
                }
                outcomes[error.getIndex()] = duplicate ? Outcome.DUPLICATE : Outcome.FAILED;
            });
        }
        return outcomes;
    }

    /** The message stored first with the same chat, sender and clientMessageId, or null. */
    public Message original(Message retry) {
        return Message.find("chatId = ?1 and senderId = ?2 and clientMessageId = ?3",
                retry.chatId, retry.senderId, retry.clientMessageId).firstResult();
    }

    /** The message, or null when there is none with this id (or it is not an id). */
    public Message byId(String messageId) {
        return ObjectId.isValid(messageId) ? Message.findById(new ObjectId(messageId)) : null;
    }

    /** Newest first, at most {@code limit}, strictly before {@code before} when given. */
    public List<Message> page(String chatId, HistoryCursor before, int limit) {
        Bson filter = before == null ? eq("chatId", chatId) : and(eq("chatId", chatId), before(before));
        return Message.<Message>mongoCollection().find(filter).sort(NEWEST_FIRST).limit(limit)
                .into(new ArrayList<>(limit));
    }

    /** Oldest first, at most {@code limit}, in any of the chats, strictly after {@code after}. */
    public List<Message> after(Collection<String> chatIds, HistoryCursor after, int limit) {
        return Message.<Message>mongoCollection().find(and(in("chatId", chatIds), after(after)))
                .sort(OLDEST_FIRST).limit(limit).into(new ArrayList<>());
    }

    public Message newest(String chatId) {
        return Message.<Message>mongoCollection().find(eq("chatId", chatId)).sort(NEWEST_FIRST).limit(1).first();
    }

    /** Messages not deleted, not from the user, after {@code after} (all of them when null). */
    public long countFromOthers(String chatId, String userId, HistoryCursor after) {
        Bson filter = and(eq("chatId", chatId), ne("senderId", userId), eq("deletedAt", null));
        return Message.mongoCollection().countDocuments(after == null ? filter : and(filter, after(after)));
    }

    /** Replaces the stored message with this one (an edit or a delete). */
    public void replace(Message message) {
        message.update();
    }

    /** Up to {@code limit} messages with content under another key than {@code keyId}, in id order after {@code after}. */
    public List<Message> sealedUnderOtherKeys(String keyId, ObjectId after, int limit) {
        Bson filter = and(ne("keyId", keyId), ne("keyId", null), eq("deletedAt", null));
        return Message.<Message>mongoCollection().find(after == null ? filter : and(filter, gt("_id", after)))
                .sort(new Document("_id", 1)).limit(limit).into(new ArrayList<>());
    }

    /** Messages strictly after the position, in (timestamp, id) order: the one place that order is a filter. */
    private static Bson after(HistoryCursor position) {
        return or(gt("timestamp", position.timestamp()),
                and(eq("timestamp", position.timestamp()), gt("_id", position.id())));
    }

    private static Bson before(HistoryCursor position) {
        return or(lt("timestamp", position.timestamp()),
                and(eq("timestamp", position.timestamp()), lt("_id", position.id())));
    }

    /** Stores content sealed anew, only if the message still carries the key it was read with. */
    public void reseal(Message message, Sealed sealed) {
        Message.mongoCollection().updateOne(and(eq("_id", message.id), eq("keyId", message.keyId)),
                Updates.combine(Updates.set("keyId", sealed.keyId()), Updates.set("nonce", sealed.nonce()),
                        Updates.set("ciphertext", sealed.ciphertext())));
    }
}
