package dev.parley.chat.presence;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;

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
     * removed). Each lane owns its stripe's counts below, so they need no lock.
     */
    private final ExecutorService[] lanes = new ExecutorService[LANES];
    /** Per lane: open sockets on this replica, by user. */
    private final List<Map<String, Integer>> here = new ArrayList<>();
    /** Per lane: users whose last socket here closed while Redis was out of reach (their lease is still there). */
    private final List<Set<String>> releaseLater = new ArrayList<>();

    public PresenceTracker(PresenceLeases leases, ChatStore chats, StatusAnnouncements announcements, PresenceReporter reporter) {
        this.leases = leases;
        this.chats = chats;
        this.announcements = announcements;
        this.reporter = reporter;
        for (int i = 0; i < LANES; i++) {
            lanes[i] = Executors.newSingleThreadExecutor(runnable -> {
                Thread thread = new Thread(runnable, "presence-lane");
                thread.setDaemon(true);
                return thread;
            });
            here.add(new HashMap<>());
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
        onLane(userId, lane -> {
            if (here.get(lane).merge(userId, 1, Integer::sum) > 1) {
                return;
            }
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
        });
        return Uni.createFrom().voidItem();
    }

    /** A socket of the user's closed (on this replica). */
    public Uni<Void> disconnected(String userId) {
        onLane(userId, lane -> {
            Integer count = here.get(lane).get(userId);
            if (count == null) {
                return; // its open never got here (shutting down)
            }
            if (count > 1) {
                here.get(lane).put(userId, count - 1);
            } else {
                here.get(lane).remove(userId);
                release(lane, userId);
            }
        });
        return Uni.createFrom().voidItem();
    }

    /** A status the user chose on a socket (online or away): announced and kept in user-service. */
    public void statusChosen(String userId, String status) {
        onLane(userId, lane -> announceNow(userId, status, null, true));
    }

    /** A status user-service already stored (set over REST): announced only. */
    public void statusStored(String userId, String status, Instant lastSeen) {
        onLane(userId, lane -> announceNow(userId, status, lastSeen, false));
    }

    /**
     * Renews this replica's leases on its users (each lane its own stripe, in order with that
     * stripe's opens and closes) and retries the releases Redis missed. A user whose lease had gone
     * and who has no other one came online again: announced.
     */
    void renewHere() {
        for (int i = 0; i < LANES; i++) {
            int lane = i;
            submit(lane, () -> {
                for (String userId : List.copyOf(releaseLater.get(lane))) {
                    release(lane, userId);
                }
                try {
                    for (String userId : leases.renew(here.get(lane).keySet())) {
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
     * @return completes true once done, false when Redis could not be told (a later cleanup retries)
     */
    CompletableFuture<Boolean> expired(String deadReplica, String userId) {
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        if (!onLane(userId, lane -> {
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

    private interface LaneTask {
        void run(int lane);
    }

    private boolean onLane(String userId, LaneTask task) {
        int lane = Math.floorMod(userId.hashCode(), LANES);
        return submit(lane, () -> task.run(lane));
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
