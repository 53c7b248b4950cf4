package dev.parley.chat.presence;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import jakarta.annotation.PreDestroy;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;

import dev.parley.chat.chat.Chat;
import dev.parley.chat.realtime.ChatEvents;
import dev.parley.chat.realtime.ConnectionRegistry;
import dev.parley.chat.realtime.ReplicaRelay;

/**
 * A user is online while at least one socket of theirs is open on any replica. The first open
 * and the last close are announced as {@code user:status} to everyone who shares a chat with them,
 * and reported to user-service through the {@link PresenceSink}.
 */
@ApplicationScoped
public class PresenceTracker {

    private static final Logger LOG = Logger.getLogger(PresenceTracker.class);

    private final ConnectionRegistry registry;
    private final ReplicaRelay relay;
    private final ChatEvents events;
    private final PresenceSink sink;
    /**
     * One ordered lane per stripe of users: a user's changes are announced in the order they
     * happened (an offline overtaken by the next online would leave contacts seeing them offline).
     */
    private final ExecutorService[] lanes = new ExecutorService[4];

    public PresenceTracker(ConnectionRegistry registry, ReplicaRelay relay, ChatEvents events, PresenceSink sink) {
        this.registry = registry;
        this.relay = relay;
        this.events = events;
        this.sink = sink;
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

    public Uni<Void> opened(String userId, WebSocketConnection connection) {
        boolean firstHere = registry.add(userId, connection);
        Uni<Void> follow = firstHere ? relay.follow(userId) : Uni.createFrom().voidItem();
        return follow.chain(() -> relay.countConnection(userId, true))
                .invoke(count -> {
                    if (count == null ? firstHere : count == 1) {
                        announce(userId, "online", null);
                    }
                })
                .replaceWithVoid();
    }

    public Uni<Void> closed(String userId, WebSocketConnection connection) {
        boolean lastHere = registry.remove(userId, connection);
        Uni<Void> unfollow = lastHere ? relay.unfollow(userId) : Uni.createFrom().voidItem();
        return unfollow.chain(() -> relay.countConnection(userId, false))
                .invoke(count -> {
                    if (count == null ? lastHere : count <= 0) {
                        announce(userId, "offline", null);
                    }
                })
                .replaceWithVoid();
    }

    /** A status the user chose on a socket (online or away): announced and kept in user-service. */
    public void statusChosen(String userId, String status) {
        announce(userId, status, null, true);
    }

    /** A status user-service already stored (set over REST): announced only. */
    public void statusStored(String userId, String status, Instant lastSeen) {
        announce(userId, status, lastSeen, false);
    }

    private void announce(String userId, String status, Instant reportedLastSeen) {
        announce(userId, status, reportedLastSeen, true);
    }

    /** lastSeen is the moment of the change unless the reporter knows better. */
    private void announce(String userId, String status, Instant reportedLastSeen, boolean report) {
        Instant lastSeen = reportedLastSeen != null ? reportedLastSeen : Instant.now().truncatedTo(ChronoUnit.MILLIS);
        lanes[Math.floorMod(userId.hashCode(), lanes.length)].execute(() -> {
            try {
                events.status(contactsOf(userId), userId, status, lastSeen);
            } catch (RuntimeException e) {
                LOG.warnf("Presence of %s not announced: %s", userId, e.getMessage());
            }
            if (report) {
                sink.report(userId, status, lastSeen);
            }
        });
    }

    /** Everyone who shares a chat with the user. */
    public static Set<String> contactsOf(String userId) {
        Set<String> contacts = new HashSet<>();
        Chat.<Chat>mongoCollection().find(com.mongodb.client.model.Filters.eq("participantIds", userId))
                .projection(new org.bson.Document("participantIds", 1))
                .forEach(chat -> contacts.addAll(chat.participantIds));
        contacts.remove(userId);
        return contacts;
    }
}
