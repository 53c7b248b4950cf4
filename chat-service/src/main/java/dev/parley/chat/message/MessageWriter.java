package dev.parley.chat.message;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;

import dev.parley.chat.ChatConfig;
import dev.parley.chat.StoreAvailability;
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
 *
 * <p>It sheds load instead of queueing without end (docs/reliability.md, "Load shedding"): the queue
 * is bounded by count and by the heap its sends hold ({@link #costOf}); a send over either bound,
 * or one that waited longer than the send budget before its batch started, completes at once with
 * 503 {@code overloaded}. An expired send was never numbered nor written, so its retry is clean. A
 * batch that failed because the store is unreachable completes with {@code store_unavailable} and
 * trips {@link StoreAvailability}: until its probe interval is over, sends are refused at once
 * rather than queued behind a store that would time each of them out.
 */
@ApplicationScoped
public class MessageWriter {

    private static final Logger LOG = Logger.getLogger(MessageWriter.class);

    /**
     * Heap a queued send holds besides its content: the message (ids, strings, nonce, timestamp),
     * the request it came from, its futures and callbacks, the queue node. Measured once (50,000 of
     * those with empty content, heap after GC: 656 bytes each); more than twice that leaves room
     * for what the measurement left out (the sender's and the socket's callbacks, the frame).
     */
    static final int OVERHEAD_BYTES = 1536;

    private static final int QUEUED = 0;
    private static final int TAKEN = 1;
    private static final int EXPIRED = 2;

    /** The outcome of one send. */
    public record Stored(Message message, boolean duplicate) {
    }

    /** A queued send; whoever moves it out of QUEUED (the worker, or the expiry) completes it. */
    private static final class Pending {
        final Message message;
        final CompletableFuture<Stored> done;
        final long bytes;
        final long queuedAt;
        final AtomicInteger state = new AtomicInteger(QUEUED);

        Pending(Message message, CompletableFuture<Stored> done, long bytes, long queuedAt) {
            this.message = message;
            this.done = done;
            this.bytes = bytes;
            this.queuedAt = queuedAt;
        }
    }

    private final MessageStore messages;
    private final MessageNumbers numbers;
    private final StartUpNumbering startUp;
    private final StoreAvailability availability;
    private final Vertx vertx;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final AtomicInteger queuedCount = new AtomicInteger();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final int maxBatch;
    private final int maxQueued;
    private final long maxQueuedBytes;
    private final long budgetNanos;
    private final MeterRegistry meters;
    /** Read this writer's own counts: removed with it (see ChatMetrics#stop). */
    private final List<Gauge> gauges;
    private final Counter shedQueueFull;
    private final Counter shedBudgetSpent;
    private final Counter shedStoreUnavailable;
    private final DistributionSummary batchSize;
    private final Timer batchTime;
    private volatile boolean running = true;
    private Thread worker;
    private long expiryTimer = -1;

    public MessageWriter(ChatConfig config, MessageStore messages, MessageNumbers numbers, StartUpNumbering startUp,
            StoreAvailability availability, Vertx vertx, MeterRegistry meters) {
        this.shedQueueFull = shed(meters, "queue_full");
        this.shedBudgetSpent = shed(meters, "budget_spent");
        this.shedStoreUnavailable = shed(meters, "store_unavailable");
        this.batchSize = DistributionSummary.builder("parley.chat.writer.batch.size")
                .description("Messages per bulk insert (group commit)").register(meters);
        this.batchTime = Timer.builder("parley.chat.writer.batch.duration")
                .description("Time to number and store one batch: the store's write latency as sends see it")
                .publishPercentileHistogram().register(meters);
        this.meters = meters;
        this.gauges = List.of(
                Gauge.builder("parley.chat.writer.queued.messages", queuedCount, AtomicInteger::get)
                        .description("Sends queued for the store or being written").register(meters),
                Gauge.builder("parley.chat.writer.queued.bytes", queuedBytes, AtomicLong::get).baseUnit("bytes")
                        .description("Heap the queued sends are counted for (bounded by max-queued-bytes)").register(meters));
        this.messages = messages;
        this.numbers = numbers;
        this.startUp = startUp;
        this.availability = availability;
        this.vertx = vertx;
        this.maxBatch = config.writer().maxBatch();
        this.maxQueued = config.writer().maxQueued();
        this.maxQueuedBytes = config.writer().maxQueuedBytes().asLongValue();
        this.budgetNanos = config.writer().sendBudget().toNanos();
    }

    void start(@Observes StartupEvent event) {
        worker = new Thread(this::run, "message-writer");
        worker.setDaemon(true);
        worker.start();
        // expires sends the worker cannot get to (a store that hangs, the start-up numbering)
        long period = Math.max(10, budgetNanos / 4_000_000);
        expiryTimer = vertx.setPeriodic(period, id -> expireOverdue(System.nanoTime()));
    }

    void stop(@Observes ShutdownEvent event) {
        gauges.forEach(meters::remove);
        running = false;
        if (expiryTimer >= 0) {
            vertx.cancelTimer(expiryTimer);
        }
        if (worker != null) {
            worker.interrupt();
        }
    }

    /**
     * What a queued send costs the heap: its ciphertext, the content kept to answer with (a Java
     * string holds at most as many bytes as the UTF-8 it came from), and {@link #OVERHEAD_BYTES}.
     */
    static long costOf(Message message) {
        return 2L * (message.ciphertext == null ? 0 : message.ciphertext.length) + OVERHEAD_BYTES;
    }

    /**
     * Queues a message; the future completes once it is stored (or found stored already), or at
     * once with 503 {@code overloaded} / {@code store_unavailable} when it is refused.
     */
    public CompletableFuture<Stored> write(Message message) {
        CompletableFuture<Stored> done = new CompletableFuture<>();
        if (availability.refusing()) {
            shedStoreUnavailable.increment();
            done.completeExceptionally(availability.unavailable());
            return done;
        }
        long bytes = costOf(message);
        if (!admit(bytes)) {
            shedQueueFull.increment();
            done.completeExceptionally(overloaded("Too many messages waiting for the store"));
            return done;
        }
        queue.add(new Pending(message, done, bytes, System.nanoTime()));
        return done;
    }

    /** Messages queued or being written, and the bytes they are counted for (for tests and metrics). */
    long queuedBytes() {
        return queuedBytes.get();
    }

    private boolean admit(long bytes) {
        if (queuedCount.incrementAndGet() > maxQueued) {
            queuedCount.decrementAndGet();
            return false;
        }
        long after = queuedBytes.addAndGet(bytes);
        // an empty queue takes any one message, so a budget below one message cannot refuse all
        if (after > maxQueuedBytes && after != bytes) {
            queuedBytes.addAndGet(-bytes);
            queuedCount.decrementAndGet();
            return false;
        }
        return true;
    }

    private void release(Pending pending) {
        queuedBytes.addAndGet(-pending.bytes);
        queuedCount.decrementAndGet();
    }

    private static Counter shed(MeterRegistry meters, String reason) {
        return Counter.builder("parley.chat.sends.shed").tag("reason", reason)
                .description("Sends refused at once instead of queued: a full queue, a spent send budget, the store down")
                .register(meters);
    }

    private static ProblemException overloaded(String why) {
        return ProblemException.unavailable("overloaded", why + "; retry shortly with the same clientMessageId", 1);
    }

    /** Completes the send with overloaded if it waited past the budget and nobody has taken it. */
    private boolean expireIfOverdue(Pending pending, long now) {
        if (now - pending.queuedAt < budgetNanos || !pending.state.compareAndSet(QUEUED, EXPIRED)) {
            return false;
        }
        release(pending);
        shedBudgetSpent.increment();
        pending.done.completeExceptionally(overloaded("The message waited too long for the store"));
        return true;
    }

    /** The queue is in arrival order: the overdue sends are at its head. */
    private void expireOverdue(long now) {
        for (Iterator<Pending> it = queue.iterator(); it.hasNext();) {
            Pending pending = it.next();
            if (now - pending.queuedAt < budgetNanos) {
                return;
            }
            expireIfOverdue(pending, now);
            it.remove();
        }
    }

    private void run() {
        try {
            startUp.awaitDone(); // a new message must not take a number before the old ones have theirs
        } catch (InterruptedException e) {
            return;
        }
        List<Pending> taken = new ArrayList<>(maxBatch);
        List<Pending> batch = new ArrayList<>(maxBatch);
        while (running) {
            try {
                taken.add(queue.take());
                queue.drainTo(taken, maxBatch - 1);
                long now = System.nanoTime();
                for (Pending pending : taken) {
                    // an overdue send is not written: nothing is numbered for it, so its retry is clean
                    if (!expireIfOverdue(pending, now) && pending.state.compareAndSet(QUEUED, TAKEN)) {
                        batch.add(pending);
                    }
                }
                if (batch.isEmpty()) {
                    continue;
                }
                if (availability.refusing()) {
                    // queued just before a batch failed: they would only wait out the same outage
                    ProblemException unavailable = availability.unavailable();
                    shedStoreUnavailable.increment(batch.size());
                    batch.forEach(p -> p.done.completeExceptionally(unavailable));
                    continue;
                }
                long started = System.nanoTime();
                flush(batch);
                batchTime.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
                batchSize.record(batch.size());
                availability.succeeded();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (RuntimeException e) {
                fail(batch, e);
            } finally {
                batch.forEach(this::release);
                taken.clear();
                batch.clear();
            }
        }
        Pending left;
        while ((left = queue.poll()) != null) {
            if (left.state.compareAndSet(QUEUED, EXPIRED)) {
                release(left);
                left.done.completeExceptionally(ProblemException.unavailable("shutting_down", "Service is stopping", 1));
            }
        }
    }

    private void fail(List<Pending> batch, RuntimeException e) {
        RuntimeException failure = e;
        if (StoreAvailability.isOutage(e)) {
            availability.failed(e);
            LOG.warnf("Message batch of %d not stored: store unavailable (%s)", batch.size(), e.getClass().getSimpleName());
            failure = availability.unavailable();
        } else {
            LOG.error("Message batch failed", e);
        }
        for (Pending pending : batch) {
            pending.done.completeExceptionally(failure);
        }
    }

    private void flush(List<Pending> batch) {
        List<Message> documents = new ArrayList<>(batch.size());
        batch.forEach(p -> documents.add(p.message));
        // numbered first so each message is written once; a number whose message is not stored is voided
        numbers.assign(documents);
        MessageStore.Outcome[] outcomes = messages.insertAll(documents);
        List<Message> notStored = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            if (outcomes[i] != MessageStore.Outcome.STORED) {
                notStored.add(batch.get(i).message);
            }
        }
        if (!notStored.isEmpty()) {
            numbers.voided(notStored);
        }
        for (int i = 0; i < batch.size(); i++) {
            Pending pending = batch.get(i);
            switch (outcomes[i]) {
                case STORED -> pending.done.complete(new Stored(pending.message, false));
                case DUPLICATE -> completeWithOriginal(pending);
                case FAILED -> pending.done.completeExceptionally(new IllegalStateException("store refused the message"));
            }
        }
    }

    private void completeWithOriginal(Pending pending) {
        Message original = messages.original(pending.message);
        if (original == null) {
            pending.done.completeExceptionally(new IllegalStateException("duplicate without an original"));
            return;
        }
        if (original.seq == null) {
            numbers.number(List.of(original));
        }
        pending.done.complete(new Stored(original, true));
    }
}
