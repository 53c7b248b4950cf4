package dev.parley.chat.presence;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;

import dev.parley.chat.realtime.ChatEvents;

/**
 * The real announcements (to sockets, through {@link ChatEvents}), recorded in order, behind a gate
 * a test can close: a lane that announces while it is closed waits there, so a test knows exactly
 * what is running and what is queued. Enabled only by {@link PresenceLaneTest}'s profile.
 */
@Alternative
@ApplicationScoped
public class GatedAnnouncements implements StatusAnnouncements {

    /** One announcement as a lane made it. */
    public record Made(String userId, String status) {
    }

    private final ChatEvents events;
    private final List<Made> made = new ArrayList<>();
    private final Semaphore entered = new Semaphore(0);
    private volatile CountDownLatch gate = new CountDownLatch(0);

    public GatedAnnouncements(ChatEvents events) {
        this.events = events;
    }

    @Override
    public void status(Collection<String> contacts, String userId, String status, Instant lastSeen) {
        entered.release();
        try {
            if (!gate.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("gate left closed");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        synchronized (made) {
            made.add(new Made(userId, status));
            made.notifyAll();
        }
        events.status(contacts, userId, status, lastSeen);
    }

    void close() {
        gate = new CountDownLatch(1);
        entered.drainPermits();
    }

    void open() {
        gate.countDown();
    }

    /** Waits until a lane is inside {@link #status} (held by the closed gate). */
    void awaitEntered() throws InterruptedException {
        if (!entered.tryAcquire(10, TimeUnit.SECONDS)) {
            throw new AssertionError("no lane announced");
        }
    }

    List<Made> made() {
        synchronized (made) {
            return List.copyOf(made);
        }
    }

    void forget() {
        synchronized (made) {
            made.clear();
        }
    }

    /** Waits until an announcement of this user with this status was made. */
    void awaitMade(String userId, String status) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        synchronized (made) {
            while (!made.contains(new Made(userId, status))) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("no " + status + " of " + userId + " in " + made);
                }
                made.wait(TimeUnit.NANOSECONDS.toMillis(left) + 1);
            }
        }
    }
}
