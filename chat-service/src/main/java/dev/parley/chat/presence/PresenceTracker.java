package dev.parley.chat.presence;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;

import dev.parley.chat.conversation.ChatStore;

/**
 * Where presence is computed: a user is online while at least one socket of theirs is open on any
 * replica ({@link OnlineCount}). The first open and the last close, and a status the user chooses,
 * are announced to everyone who shares a chat with them ({@link StatusAnnouncements}) and reported
 * to user-service ({@link PresenceReporter}), which keeps status and lastSeen on profiles.
 */
@ApplicationScoped
public class PresenceTracker {

    private static final Logger LOG = Logger.getLogger(PresenceTracker.class);

    private final OnlineCount online;
    private final ChatStore chats;
    private final StatusAnnouncements announcements;
    private final PresenceReporter reporter;
    /**
     * One ordered lane per stripe of users: a user's changes are announced in the order they
     * happened (an offline overtaken by the next online would leave contacts seeing them offline).
     */
    private final ExecutorService[] lanes = new ExecutorService[4];

    public PresenceTracker(OnlineCount online, ChatStore chats, StatusAnnouncements announcements, PresenceReporter reporter) {
        this.online = online;
        this.chats = chats;
        this.announcements = announcements;
        this.reporter = reporter;
        for (int i = 0; i < lanes.length; i++) {
            lanes[i] = Executors.newSingleThreadExecutor(runnable -> {
                Thread thread = new Thread(runnable, "presence-lane");
                thread.setDaemon(true);
                return thread;
            });
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
        return online.opened(userId).invoke(count -> {
            if (count == 1) {
                announce(userId, "online", null, true);
            }
        }).replaceWithVoid();
    }

    /** A socket of the user's closed (on this replica). */
    public Uni<Void> disconnected(String userId) {
        return online.closed(userId).invoke(count -> {
            if (count <= 0) {
                announce(userId, "offline", null, true);
            }
        }).replaceWithVoid();
    }

    /** A status the user chose on a socket (online or away): announced and kept in user-service. */
    public void statusChosen(String userId, String status) {
        announce(userId, status, null, true);
    }

    /** A status user-service already stored (set over REST): announced only. */
    public void statusStored(String userId, String status, Instant lastSeen) {
        announce(userId, status, lastSeen, false);
    }

    /** lastSeen is the moment of the change unless the reporter knows better. */
    private void announce(String userId, String status, Instant reportedLastSeen, boolean report) {
        Instant lastSeen = reportedLastSeen != null ? reportedLastSeen : Instant.now().truncatedTo(ChronoUnit.MILLIS);
        lanes[Math.floorMod(userId.hashCode(), lanes.length)].execute(() -> {
            try {
                announcements.status(chats.contactsOf(userId), userId, status, lastSeen);
            } catch (RuntimeException e) {
                LOG.warnf("Presence of %s not announced: %s", userId, e.getMessage());
            }
            if (report) {
                reporter.report(userId, status, lastSeen);
            }
        });
    }
}
