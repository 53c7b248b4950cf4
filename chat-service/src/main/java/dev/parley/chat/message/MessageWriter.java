package dev.parley.chat.message;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

import dev.parley.chat.ChatConfig;
import dev.parley.chat.conversation.ChatStore;
import dev.parley.support.problem.ProblemException;

/**
 * Group commit for new messages. Sends from every connection and REST call queue here; one
 * thread takes whatever has queued up (at most {@code max-batch}) and stores it with a single
 * unordered bulk insert, then completes each send. Nothing waits for a timer: under light load a
 * batch is one message, under heavy load batches grow and the store sees fewer, larger writes.
 *
 * <p>A duplicate {@code clientMessageId} (a retried send) is not an error: its future completes
 * with the message stored the first time.
 *
 * <p>Each chat's activity time ({@code lastMessageAt}, which orders chat lists) is written by the
 * same thread at most once per {@code activity-every}, for all chats that had messages meanwhile:
 * under load that was a second write per batch, costing more than the insert itself. Until it is
 * written, {@link #activity} tells this replica's readers the newer time.
 */
@ApplicationScoped
public class MessageWriter {

    private static final Logger LOG = Logger.getLogger(MessageWriter.class);

    /** The outcome of one send. */
    public record Stored(Message message, boolean duplicate) {
    }

    private record Pending(Message message, CompletableFuture<Stored> done) {
    }

    private final MessageStore messages;
    private final ChatStore chats;
    private final BlockingQueue<Pending> queue;
    private final int maxBatch;
    private final long activityEveryNanos;
    /** Chat id -> newest stored message time not yet written to the chat (written only by the writer thread). */
    private final Map<String, Instant> pendingActivity = new ConcurrentHashMap<>();
    private long activityWritten = System.nanoTime();
    private volatile boolean running = true;
    private Thread worker;

    public MessageWriter(ChatConfig config, MessageStore messages, ChatStore chats) {
        this.messages = messages;
        this.chats = chats;
        this.queue = new ArrayBlockingQueue<>(config.writer().maxQueued());
        this.maxBatch = config.writer().maxBatch();
        this.activityEveryNanos = config.writer().activityEvery().toNanos();
    }

    /** The chat's activity time as this replica knows it: the stored one, or a newer one not yet written. */
    public Instant activity(String chatId, Instant stored) {
        Instant pending = pendingActivity.get(chatId);
        return pending != null && (stored == null || pending.isAfter(stored)) ? pending : stored;
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
                Pending first = pendingActivity.isEmpty() ? queue.take()
                        : queue.poll(activityWritten + activityEveryNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (first != null) {
                    batch.add(first);
                    queue.drainTo(batch, maxBatch - 1);
                    flush(batch);
                }
                if (!pendingActivity.isEmpty() && System.nanoTime() - activityWritten >= activityEveryNanos) {
                    writeActivity();
                }
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
        writeActivity();
    }

    private void flush(List<Pending> batch) {
        List<Message> documents = new ArrayList<>(batch.size());
        batch.forEach(p -> documents.add(p.message()));
        MessageStore.Outcome[] outcomes = messages.insertAll(documents);
        for (int i = 0; i < batch.size(); i++) {
            Pending pending = batch.get(i);
            switch (outcomes[i]) {
                case STORED -> {
                    pendingActivity.merge(pending.message().chatId, pending.message().timestamp,
                            (a, b) -> a.isAfter(b) ? a : b);
                    pending.done().complete(new Stored(pending.message(), false));
                }
                case DUPLICATE -> completeWithOriginal(pending);
                case FAILED -> pending.done().completeExceptionally(new IllegalStateException("store refused the message"));
            }
        }
    }

    private void completeWithOriginal(Pending pending) {
        Message original = messages.original(pending.message());
        if (original == null) {
            pending.done().completeExceptionally(new IllegalStateException("duplicate without an original"));
        } else {
            pending.done().complete(new Stored(original, true));
        }
    }

    /** Moves each chat's activity time forward (never back, whatever other replicas wrote) so chat lists stay ordered. */
    private void writeActivity() {
        activityWritten = System.nanoTime();
        if (pendingActivity.isEmpty()) {
            return;
        }
        Map<String, Instant> written = new HashMap<>(pendingActivity);
        try {
            chats.advanceActivity(written);
            // only this thread adds newer times, so an entry still equal to what was written is done
            written.forEach(pendingActivity::remove);
        } catch (RuntimeException e) {
            // the messages are stored; the times stay pending and are tried again next interval
            LOG.warn("Could not update chat activity", e);
        }
    }
}
