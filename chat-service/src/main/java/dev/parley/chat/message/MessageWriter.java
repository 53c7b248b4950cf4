package dev.parley.chat.message;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

import dev.parley.chat.ChatConfig;
import dev.parley.support.problem.ProblemException;

/**
 * Group commit for new messages. Sends from every connection and REST call queue here; one
 * thread takes whatever has queued up (at most {@code max-batch}) and stores it with a single
 * unordered bulk insert, then completes each send. Nothing waits for a timer: under light load a
 * batch is one message, under heavy load batches grow and the store sees fewer, larger writes.
 *
 * <p>Before the insert the batch's messages are numbered ({@link MessageNumbers}: one reservation
 * per chat, which also moves the chat's {@code lastMessageAt}), so each is written once, with its
 * seq; a number whose message turns out not stored (a duplicate, a refused insert) is voided.
 *
 * <p>A duplicate {@code clientMessageId} (a retried send) is not an error: its future completes
 * with the message stored the first time (numbered now if a crash had left it without a number).
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
    private final MessageNumbers numbers;
    private final StartUpNumbering startUp;
    private final BlockingQueue<Pending> queue;
    private final int maxBatch;
    private volatile boolean running = true;
    private Thread worker;

    public MessageWriter(ChatConfig config, MessageStore messages, MessageNumbers numbers, StartUpNumbering startUp) {
        this.messages = messages;
        this.numbers = numbers;
        this.startUp = startUp;
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
        try {
            startUp.awaitDone(); // a new message must not take a number before the old ones have theirs
        } catch (InterruptedException e) {
            return;
        }
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
        // numbered first so each message is written once; a number whose message is not stored is voided
        numbers.assign(documents);
        MessageStore.Outcome[] outcomes = messages.insertAll(documents);
        List<Message> notStored = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            if (outcomes[i] != MessageStore.Outcome.STORED) {
                notStored.add(batch.get(i).message());
            }
        }
        if (!notStored.isEmpty()) {
            numbers.voided(notStored);
        }
        for (int i = 0; i < batch.size(); i++) {
            Pending pending = batch.get(i);
            switch (outcomes[i]) {
                case STORED -> pending.done().complete(new Stored(pending.message(), false));
                case DUPLICATE -> completeWithOriginal(pending);
                case FAILED -> pending.done().completeExceptionally(new IllegalStateException("store refused the message"));
            }
        }
    }

    private void completeWithOriginal(Pending pending) {
        Message original = messages.original(pending.message());
        if (original == null) {
            pending.done().completeExceptionally(new IllegalStateException("duplicate without an original"));
            return;
        }
        if (original.seq == null) {
            numbers.number(List.of(original));
        }
        pending.done().complete(new Stored(original, true));
    }
}
