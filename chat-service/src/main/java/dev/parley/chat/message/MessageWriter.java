package dev.parley.chat.message;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.lt;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.bson.types.ObjectId;
import org.jboss.logging.Logger;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.BulkWriteOptions;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

import dev.parley.chat.ChatConfig;
import dev.parley.chat.chat.Chat;
import dev.parley.support.problem.ProblemException;

/**
 * Group commit for new messages. Sends from every connection and REST call queue here; one
 * thread takes whatever has queued up (at most {@code max-batch}) and stores it with a single
 * unordered bulk insert, then completes each send. Nothing waits for a timer: under light load a
 * batch is one message, under heavy load batches grow and the store sees fewer, larger writes.
 *
 * <p>A duplicate {@code clientMessageId} (a retried send) is not an error: its future completes
 * with the message stored the first time.
 */
@ApplicationScoped
public class MessageWriter {

    private static final Logger LOG = Logger.getLogger(MessageWriter.class);

    /** The outcome of one send. */
    public record Stored(Message message, boolean duplicate) {
    }

    private record Pending(Message message, CompletableFuture<Stored> done) {
    }

    private final BlockingQueue<Pending> queue;
    private final int maxBatch;
    private volatile boolean running = true;
    private Thread worker;

    public MessageWriter(ChatConfig config) {
        this.queue = new ArrayBlockingQueue<>(config.writer().maxQueued());
        this.maxBatch = config.writer().maxBatch();
    }

    void start(@Observes StartupEvent event) {
        worker = new Thread(this::run, "message-writer");
        worker.setDaemon(true);
        worker.start();
    }

    void stop(@Observes ShutdownEvent event) {
        running = false;
        if (worker != null) {
            worker.interrupt();
        }
    }

    /** Queues a message; the future completes once it is stored (or found stored already). */
    public CompletableFuture<Stored> write(Message message) {
        CompletableFuture<Stored> done = new CompletableFuture<>();
        if (!queue.offer(new Pending(message, done))) {
            done.completeExceptionally(new ProblemException(503, "overloaded", "Busy", "Too many messages in flight; retry"));
        }
        return done;
    }

    private void run() {
        List<Pending> batch = new ArrayList<>(maxBatch);
        while (running) {
            try {
                batch.add(queue.take());
                queue.drainTo(batch, maxBatch - 1);
                flush(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (RuntimeException e) {
                LOG.error("Message batch failed", e);
                batch.forEach(p -> p.done().completeExceptionally(e));
            } finally {
                batch.clear();
            }
        }
        Pending left;
        while ((left = queue.poll()) != null) {
            left.done().completeExceptionally(new ProblemException(503, "shutting_down", "Busy", "Service is stopping"));
        }
    }

    private void flush(List<Pending> batch) {
        List<Message> documents = new ArrayList<>(batch.size());
        batch.forEach(p -> documents.add(p.message()));
        Map<Integer, BulkWriteError> failed = new HashMap<>();
        try {
            Message.<Message>mongoCollection().insertMany(documents, new InsertManyOptions().ordered(false));
        } catch (MongoBulkWriteException e) {
            e.getWriteErrors().forEach(error -> failed.put(error.getIndex(), error));
        }
        Map<String, Message> newestPerChat = new HashMap<>();
        for (int i = 0; i < batch.size(); i++) {
            Pending pending = batch.get(i);
            BulkWriteError error = failed.get(i);
            if (error == null) {
                newestPerChat.merge(pending.message().chatId, pending.message(),
                        (a, b) -> a.timestamp.isAfter(b.timestamp) ? a : b);
                pending.done().complete(new Stored(pending.message(), false));
            } else if (ErrorCategory.fromErrorCode(error.getCode()) == ErrorCategory.DUPLICATE_KEY) {
                completeWithOriginal(pending);
            } else {
                LOG.errorf("Message %s not stored: code %d", pending.message().idHex(), error.getCode());
                pending.done().completeExceptionally(new IllegalStateException("store refused the message"));
            }
        }
        touchChats(newestPerChat);
    }

    private static void completeWithOriginal(Pending pending) {
        Message m = pending.message();
        Message original = Message.find("chatId = ?1 and senderId = ?2 and clientMessageId = ?3",
                m.chatId, m.senderId, m.clientMessageId).firstResult();
        if (original == null) {
            pending.done().completeExceptionally(new IllegalStateException("duplicate without an original"));
        } else {
            pending.done().complete(new Stored(original, true));
        }
    }

    /** Moves each chat's activity time forward (never back) so the chat list stays ordered. */
    private static void touchChats(Map<String, Message> newestPerChat) {
        if (newestPerChat.isEmpty()) {
            return;
        }
        List<UpdateOneModel<Chat>> updates = new ArrayList<>(newestPerChat.size());
        newestPerChat.forEach((chatId, m) -> updates.add(new UpdateOneModel<>(
                and(eq("_id", new ObjectId(chatId)), lt("lastMessageAt", m.timestamp)),
                Updates.set("lastMessageAt", m.timestamp))));
        try {
            Chat.<Chat>mongoCollection().bulkWrite(updates, new BulkWriteOptions().ordered(false));
        } catch (RuntimeException e) {
            // the messages are stored; only the chat list order lags until the next message
            LOG.warn("Could not update chat activity", e);
        }
    }
}
