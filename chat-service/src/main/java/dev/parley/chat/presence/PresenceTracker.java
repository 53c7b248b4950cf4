package dev.parley.chat.presence;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;

import dev.parley.chat.ChatConfig;
import dev.parley.chat.conversation.ChatStore;

/**
 * Where presence is computed: a user is online while at least one socket of theirs is open on any
 * replica. This replica counts the sockets each user has here; only the first one here and the
 * last one here touch Redis, as a lease ({@link PresenceLeases}). A user's first lease anywhere
 * is announced "online", the removal of their last one "offline" (a closed socket, or the expired
 * lease of a dead replica), and a status the user chooses is announced too: to everyone who
 * shares a chat with them ({@link StatusAnnouncements}), and reported to user-service
 * ({@link PresenceReporter}), which keeps status and lastSeen on profiles.
 *
 * <p>A socket never waits for presence, and never fails because of it: when Redis cannot be
 * reached, the socket is counted here and its lease is written (or removed) at the next renewal;
 * its user's first socket here is announced online all the same (it is), while the last one's
 * offline waits until Redis can say whether another replica still has them.
 */
@ApplicationScoped
public class PresenceTracker {

    private static final Logger LOG = Logger.getLogger(PresenceTracker.class);
    private static final int LANES = 4;

    private final PresenceLeases leases;
    private final ChatStore chats;
    private final StatusAnnouncements announcements;
    private final PresenceReporter reporter;
    /**
     * One ordered lane per stripe of users: a user's opens, closes, renewals and announcements
     * happen in the order they were asked for (an offline overtaken by the next online would leave
     * contacts seeing them offline; a renewal overtaking a close would put back the lease the close
     * removed). Each lane owns its stripe's sets below, so they need no lock.
     *
     * <p>Bounded: a lane holds at most {@code parley.chat.presence.lane-capacity} announcement
     * tasks (statuses, renewals, dead replicas' users) waiting, and past that drops them (counted in
     * {@link #dropped()}); besides those, at most one task per user for their sockets' opens and
     * closes ({@link #settle}), never dropped. A user's statuses coalesce too: while one of theirs
     * waits, a newer one replaces it ({@link #announceLatest}), so a flood of statuses from one
     * user is one task.
     */
    private final ExecutorService[] lanes = new ExecutorService[LANES];
    private final AtomicInteger[] announcementsWaiting = new AtomicInteger[LANES];
    private final int capacity;
    private final LongAdder dropped = new LongAdder();
    /** Open sockets on this replica, by user (updated as they open and close, from any thread). */
    private final Map<String, Integer> sockets = new ConcurrentHashMap<>();
    /** Users with a settle task waiting on their lane (at most one each). */
    private final Set<String> settling = ConcurrentHashMap.newKeySet();
    /** Users with a status task waiting on their lane, and the latest status for it. */
    private final Map<String, Latest> statuses = new ConcurrentHashMap<>();
    /** Per lane: the users counted here (lease taken), whose leases the renewals keep. */
    private final List<Set<String>> here = new ArrayList<>();
    /** Per lane: users whose last socket here closed while Redis was out of reach (their lease is still there). */
    private final List<Set<String>> releaseLater = new ArrayList<>();

    /** The status to announce for a user; only written inside {@code statuses.compute}, read once removed from it. */
    private static final class Latest {
        volatile String status;
        volatile Instant lastSeen;
        volatile boolean report;
    }

    public PresenceTracker(PresenceLeases leases, ChatStore chats, StatusAnnouncements announcements, PresenceReporter reporter,
            ChatConfig config) {
        this.leases = leases;
        this.chats = chats;
        this.announcements = announcements;
        this.reporter = reporter;
        this.capacity = config.presence().laneCapacity();
        for (int i = 0; i < LANES; i++) {
            // unbounded as a queue, bounded by what is let in (see the lanes' javadoc)
            lanes[i] = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), runnable -> {
                Thread thread = new Thread(runnable, "presence-lane");
                thread.setDaemon(true);
                return thread;
            });
            announcementsWaiting[i] = new AtomicInteger();
            here.add(new HashSet<>());
            releaseLater.add(new HashSet<>());
        }
    }

    @PreDestroy
    void stop() {
        for (ExecutorService lane : lanes) {
            lane.shutdown();
        }
    }

    /** A socket of the user's opened (on this replica). */
    public Uni<Void> connected(String userId) {
        sockets.merge(userId, 1, Integer::sum);
        settle(userId);
        return Uni.createFrom().voidItem();
    }

    /** A socket of the user's closed (on this replica). */
    public Uni<Void> disconnected(String userId) {
        sockets.computeIfPresent(userId, (id, count) -> count > 1 ? count - 1 : null);
        settle(userId);
        return Uni.createFrom().voidItem();
    }

    /** A status the user chose on a socket (online or away): announced and kept in user-service. */
    public void statusChosen(String userId, String status) {
        announceLatest(userId, status, null, true);
    }

    /** A status user-service already stored (set over REST): announced only. */
    public void statusStored(String userId, String status, Instant lastSeen) {
        announceLatest(userId, status, lastSeen, false);
    }

    /** Announcement tasks waiting over every lane (a gauge; each lane holds at most {@code lane-capacity}). */
    public int announcementsWaiting() {
        int waiting = 0;
        for (AtomicInteger lane : announcementsWaiting) {
            waiting += lane.get();
        }
        return waiting;
    }

    /** Announcement tasks dropped because their lane was full, since start (a counter). */
    public long dropped() {
        return dropped.sum();
    }

    /**
     * Renews this replica's leases on its users (each lane its own stripe, in order with that
     * stripe's opens and closes) and retries the releases Redis missed. A user whose lease had gone
     * and who has no other one came online again: announced.
     */
    void renewHere() {
        for (int i = 0; i < LANES; i++) {
            int lane = i;
            submitAnnouncement(lane, () -> {
                for (String userId : List.copyOf(releaseLater.get(lane))) {
                    release(lane, userId);
                }
                try {
                    for (String userId : leases.renew(here.get(lane))) {
                        announceNow(userId, "online", null, true);
                    }
                } catch (RuntimeException e) {
                    LOG.debugf("Leases not renewed: %s", e.getMessage());
                }
            });
        }
    }

    /**
     * A dead replica's lease on a user is removed; when it was their last, they went offline.
     * @return completes true once done, false when Redis could not be told or the lane was full (a later cleanup retries)
     */
    CompletableFuture<Boolean> expired(String deadReplica, String userId) {
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        if (!submitAnnouncement(lane(userId), () -> {
            try {
                if (leases.releaseDead(deadReplica, userId)) {
                    announceNow(userId, "offline", null, true);
                }
                done.complete(true);
            } catch (RuntimeException e) {
                LOG.debugf("Lease of dead replica %s on %s not removed: %s", deadReplica, userId, e.getMessage());
                done.complete(false);
            }
        })) {
            done.complete(false);
        }
        return done;
    }

    /**
     * Brings the user's lease and announcements in line with their socket count here, on their
     * lane. Opens and closes that happen while one waits are folded into it (it reads the count
     * when it runs): a user has at most one waiting, however fast their sockets come and go.
     */
    private void settle(String userId) {
        if (!settling.add(userId)) {
            return;
        }
        int lane = lane(userId);
        if (!submit(lane, () -> {
            settling.remove(userId); // before reading the count: a change after this settles again
            boolean wanted = sockets.containsKey(userId);
            boolean held = here.get(lane).contains(userId);
            if (wanted && !held) {
                here.get(lane).add(userId);
                acquire(lane, userId);
            } else if (!wanted && held) {
                here.get(lane).remove(userId);
                release(lane, userId);
            }
        })) {
            settling.remove(userId); // shutting down
        }
    }

    private void acquire(int lane, String userId) {
        releaseLater.get(lane).remove(userId);
        boolean first;
        try {
            first = leases.acquire(userId);
        } catch (RuntimeException e) {
            // Redis out of reach: the user is online (a socket of theirs is open here), so say so
            // to whoever can hear it; a second "online" later is harmless, a missing one is not
            LOG.debugf("Lease on %s not taken (the next renewal takes it): %s", userId, e.getMessage());
            first = true;
        }
        if (first) {
            announceNow(userId, "online", null, true);
        }
    }

    /** Queues the user's status, or updates the one already waiting: only the latest is announced. */
    private void announceLatest(String userId, String status, Instant lastSeen, boolean report) {
        boolean[] fresh = { false };
        Latest latest = statuses.compute(userId, (id, waiting) -> {
            Latest slot = waiting == null ? new Latest() : waiting;
            fresh[0] = waiting == null;
            slot.status = status;
            slot.lastSeen = lastSeen;
            slot.report = report;
            return slot;
        });
        if (fresh[0] && !submitAnnouncement(lane(userId), () -> {
            Latest taken = statuses.remove(userId);
            if (taken != null) {
                announceNow(userId, taken.status, taken.lastSeen, taken.report);
            }
        })) {
            statuses.remove(userId, latest);
        }
    }

    private void release(int lane, String userId) {
        boolean last;
        try {
            last = leases.release(userId);
        } catch (RuntimeException e) {
            LOG.debugf("Lease on %s not released (retried at the next renewal): %s", userId, e.getMessage());
            releaseLater.get(lane).add(userId);
            return;
        }
        releaseLater.get(lane).remove(userId);
        if (last) {
            announceNow(userId, "offline", null, true);
        }
    }

    /** lastSeen is the moment of the change unless the reporter knows better. On the user's lane. */
    private void announceNow(String userId, String status, Instant reportedLastSeen, boolean report) {
        Instant lastSeen = reportedLastSeen != null ? reportedLastSeen : Instant.now().truncatedTo(ChronoUnit.MILLIS);
        try {
            announcements.status(chats.contactsOf(userId), userId, status, lastSeen);
        } catch (RuntimeException e) {
            LOG.warnf("Presence of %s not announced: %s", userId, e.getMessage());
        }
        if (report) {
            reporter.report(userId, status, lastSeen);
        }
    }

    static int lane(String userId) {
        return Math.floorMod(userId.hashCode(), LANES);
    }

    /** An announcement task, unless its lane holds {@code lane-capacity} of them already: then dropped and counted. */
    private boolean submitAnnouncement(int lane, Runnable task) {
        AtomicInteger waiting = announcementsWaiting[lane];
        if (waiting.incrementAndGet() > capacity) {
            waiting.decrementAndGet();
            dropped.increment();
            LOG.debugf("Presence lane %d full: announcement dropped", lane);
            return false;
        }
        if (!submit(lane, () -> {
            waiting.decrementAndGet();
            task.run();
        })) {
            waiting.decrementAndGet();
            return false;
        }
        return true;
    }

    private boolean submit(int lane, Runnable task) {
        try {
            lanes[lane].execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.warnf("Presence task failed: %s", e.getMessage());
                }
            });
            return true;
        } catch (RejectedExecutionException e) {
            return false; // shutting down
        }
    }
}
