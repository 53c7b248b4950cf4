package dev.parley.chat.message;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.gt;
import static com.mongodb.client.model.Filters.in;
import static com.mongodb.client.model.Filters.lt;
import static com.mongodb.client.model.Filters.lte;
import static com.mongodb.client.model.Filters.ne;
import static com.mongodb.client.model.Filters.or;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.function.Consumer;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.bson.Document;
import org.bson.conversions.Bson;
import org.bson.types.ObjectId;
import org.jboss.logging.Logger;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoWriteException;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.Updates;

import io.quarkus.runtime.StartupEvent;

import dev.parley.chat.ChatConfig;
import dev.parley.chat.StoreAvailability;

import dev.parley.chat.crypto.MessageCipher.Sealed;

/** The one place that reads and writes the {@code messages} collection, and creates its indexes. */
@ApplicationScoped
public class MessageStore {

    private static final Logger LOG = Logger.getLogger(MessageStore.class);
    private static final Document NEWEST_FIRST = new Document("timestamp", -1).append("_id", -1);
    private static final Document OLDEST_FIRST = new Document("timestamp", 1).append("_id", 1);
    private static final Document BY_SEQ = new Document("seq", 1);
    private static final Document BY_SEQ_DESC = new Document("seq", -1);
    private static final Document PING = new Document("ping", 1);

    /** What became of each message of a batch insert. */
    public enum Outcome { STORED, DUPLICATE, FAILED }

    private final ChatConfig config;

    public MessageStore(ChatConfig config) {
        this.config = config;
    }

    /**
     * Before anything at start-up touches the store (the numbering at priority 10, the indexes):
     * waits for it to answer, up to {@code parley.chat.store.start-up-wait}. A request gets only
     * the 0.8 s server selection, less than a store, or this JVM's driver on a busy node, may take
     * to be found at first; without this wait such a start fails (seen with two replicas booting at
     * once on two cores).
     */
    void awaitStore(@Observes @Priority(1) StartupEvent event) throws InterruptedException {
        long deadline = System.nanoTime() + config.store().startUpWait().toNanos();
        while (true) {
            try {
                ping();
                return;
            } catch (RuntimeException e) {
                if (!StoreAvailability.isOutage(e) || System.nanoTime() - deadline > 0) {
                    throw e;
                }
                LOG.infof("Waiting for the store (%s)", e.getClass().getSimpleName());
                Thread.sleep(200); // a refused connection fails at once: do not spin on it
            }
        }
    }

    void createIndexes(@Observes StartupEvent event) {
        var messages = Message.mongoCollection();
        // the compound index history pages walk: chat, then newest first; _id breaks timestamp ties
        messages.createIndex(Indexes.compoundIndex(Indexes.ascending("chatId"), Indexes.descending("timestamp"),
                Indexes.descending("_id")), new IndexOptions().name("chat_timestamp"));
        messages.createIndex(Indexes.ascending("chatId", "senderId", "clientMessageId"),
                new IndexOptions().name("chat_sender_client_message_unique").unique(true));
        // history and sync by number; not unique so that a replica of the version before numbers
        // (a rolling upgrade) can still insert; the numbers are unique by construction ($inc)
        messages.createIndex(Indexes.compoundIndex(Indexes.ascending("chatId"), Indexes.descending("seq")),
                new IndexOptions().name("chat_seq"));
        messages.createIndex(Indexes.ascending("chatId", "changeSeq"), new IndexOptions().name("chat_change"));
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

    /** Asks the store for a {@code ping}: throws when it cannot be reached (readiness, {@link StoreReadiness}). */
    public void ping() {
        Message.mongoDatabase().runCommand(PING);
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

    /** Numbered messages newest first, at most {@code limit}, with a seq below {@code beforeSeq} when given. */
    public List<Message> page(String chatId, Long beforeSeq, int limit) {
        Bson filter = and(eq("chatId", chatId), beforeSeq == null ? gt("seq", 0L) : and(gt("seq", 0L), lt("seq", beforeSeq)));
        return Message.<Message>mongoCollection().find(filter).sort(BY_SEQ_DESC).limit(limit)
                .into(new ArrayList<>(limit));
    }

    /**
     * The chat's messages after {@code seq}, oldest first, at most {@code limit}, and any message
     * without a number (stored before messages had numbers, until the start-up numbers it).
     */
    public List<Message> afterSeq(String chatId, long seq, int limit) {
        return Message.<Message>mongoCollection().find(and(eq("chatId", chatId), or(gt("seq", seq), eq("seq", null))))
                .sort(BY_SEQ).limit(limit).into(new ArrayList<>());
    }

    /**
     * Messages up to {@code throughSeq} edited or deleted after change {@code change} (or being
     * changed right now), by change number, at most {@code limit}.
     */
    public List<Message> changedAfter(String chatId, long change, long throughSeq, int limit) {
        return Message.<Message>mongoCollection().find(and(eq("chatId", chatId), lte("seq", throughSeq),
                or(gt("changeSeq", change), eq("changePending", true))))
                .sort(new Document("changeSeq", 1)).limit(limit).into(new ArrayList<>());
    }

    /**
     * Every message without a number stamped before {@code storedBefore}, by chat and then (timestamp, id), in one pass (start-up
     * numbering): each chunk handed to {@code numberChunk} is at most {@code chunk} messages of one chat, in order.
     */
    public void forEachUnnumbered(Instant storedBefore, int chunk, Consumer<List<Message>> numberChunk) {
        List<Message> run = new ArrayList<>(chunk);
        for (Message m : Message.<Message>mongoCollection().find(and(eq("seq", null), lt("timestamp", storedBefore)))
                .sort(new Document("chatId", 1).append("timestamp", 1).append("_id", 1))) {
            if (!run.isEmpty() && (run.size() == chunk || !run.get(0).chatId.equals(m.chatId))) {
                numberChunk.accept(run);
                run = new ArrayList<>(chunk);
            }
            run.add(m);
        }
        if (!run.isEmpty()) {
            numberChunk.accept(run);
        }
    }

    /**
     * Stores each message's number; if it had one already (numbered twice), the lower stays. The
     * filter is the id alone: the embedded store uses its index only for a query on {@code _id}
     * alone, and any other filter here would scan every message for every message.
     */
    public void number(List<Message> numbered) {
        List<UpdateOneModel<Message>> updates = new ArrayList<>(numbered.size());
        numbered.forEach(m -> updates.add(new UpdateOneModel<>(eq("_id", m.id), Updates.min("seq", m.seq))));
        Message.<Message>mongoCollection().bulkWrite(updates, new BulkWriteOptions().ordered(false));
    }

    /**
     * Claims a one-time start-up task for this replica ({@code migrations} collection): true when
     * it is ours to run, false when another replica finished it or is running it (claims older than
     * {@code staleAfter} are taken over: their replica died).
     */
    public boolean claimMigration(String name, Instant now, Instant staleAfter) {
        var migrations = Message.mongoDatabase().getCollection("migrations");
        try {
            migrations.insertOne(new Document("_id", name).append("startedAt", now));
            return true;
        } catch (MongoWriteException e) {
            if (ErrorCategory.fromErrorCode(e.getCode()) != ErrorCategory.DUPLICATE_KEY) {
                throw e;
            }
        }
        return migrations.updateOne(and(eq("_id", name), eq("doneAt", null), lt("startedAt", staleAfter)),
                Updates.set("startedAt", now)).getModifiedCount() > 0;
    }

    public boolean migrationDone(String name) {
        Document done = Message.mongoDatabase().getCollection("migrations").find(eq("_id", name)).first();
        return done != null && done.get("doneAt") != null;
    }

    public void finishMigration(String name, Instant now) {
        Message.mongoDatabase().getCollection("migrations").updateOne(eq("_id", name), Updates.set("doneAt", now));
    }

    /** The seq of a message, or null when there is none (or it is not numbered). */
    public Long seqOf(String messageId) {
        Message message = byId(messageId);
        return message == null ? null : message.seq;
    }
    /** Oldest first, at most {@code limit}, in any of the chats, strictly after {@code after}. */
    public List<Message> after(Collection<String> chatIds, HistoryCursor after, int limit) {
        return Message.<Message>mongoCollection().find(and(in("chatId", chatIds), after(after)))
                .sort(OLDEST_FIRST).limit(limit).into(new ArrayList<>());
    }

    public Message newest(String chatId) {
        return Message.<Message>mongoCollection().find(eq("chatId", chatId)).sort(NEWEST_FIRST).limit(1).first();
    }

    /** Messages not deleted, not from the user, with a seq after {@code afterSeq} (all of them when null). */
    public long countFromOthers(String chatId, String userId, Long afterSeq) {
        Bson filter = and(eq("chatId", chatId), ne("senderId", userId), eq("deletedAt", null));
        return Message.mongoCollection().countDocuments(afterSeq == null ? filter : and(filter, gt("seq", afterSeq)));
    }

    /**
     * Stores an edit's new content, only if the message is not deleted (one conditional update of
     * the fields an edit changes: a delete at the same moment cannot be undone by it).
     *
     * @return false when the message is deleted
     */
    public boolean edit(Message message, Sealed sealed, Instant editedAt) {
        return Message.mongoCollection().updateOne(and(eq("_id", message.id), eq("deletedAt", null)),
                Updates.combine(Updates.set("keyId", sealed.keyId()), Updates.set("nonce", sealed.nonce()),
                        Updates.set("ciphertext", sealed.ciphertext()), Updates.set("editedAt", editedAt),
                        Updates.set("changePending", true))).getMatchedCount() > 0;
    }

    /**
     * Deletes: wipes the content and stamps {@code deletedAt}, once.
     *
     * @return false when it was deleted already
     */
    public boolean delete(Message message, Instant deletedAt) {
        return Message.mongoCollection().updateOne(and(eq("_id", message.id), eq("deletedAt", null)),
                Updates.combine(Updates.set("deletedAt", deletedAt), Updates.unset("keyId"), Updates.unset("nonce"),
                        Updates.unset("ciphertext"), Updates.set("changePending", true))).getModifiedCount() > 0;
    }

    /** Gives an edit or delete its change number (the highest wins if several crossed). */
    public void numberChange(ObjectId messageId, long change) {
        Message.mongoCollection().updateOne(eq("_id", messageId),
                Updates.combine(Updates.max("changeSeq", change), Updates.unset("changePending")));
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

    /** Stores content sealed anew, only if the message still carries the key it was read with. */
    public void reseal(Message message, Sealed sealed) {
        Message.mongoCollection().updateOne(and(eq("_id", message.id), eq("keyId", message.keyId)),
                Updates.combine(Updates.set("keyId", sealed.keyId()), Updates.set("nonce", sealed.nonce()),
                        Updates.set("ciphertext", sealed.ciphertext())));
    }
}
