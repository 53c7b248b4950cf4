package dev.parley.chat.realtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;

import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisConnection;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;

import dev.parley.chat.ChatConfig;

/**
 * Carries events between chat-service replicas over Redis pub/sub: <b>one PUBLISH per event</b>, on
 * one channel ({@code <prefix>:events}) that every replica subscribes to, carrying the recipients
 * and the frame once:
 * <pre>
 * replicaId \n exceptConnection \n userId,userId,... \n json
 * </pre>
 * A receiving replica reads the three header lines (no JSON parsing: the frame goes to its sockets
 * as it came) and delivers to its own sockets of those users, a map lookup per user. A replica
 * ignores what it published itself (it delivered those locally already). With Redis disabled (one
 * replica) everything stays in-process. Why one channel and not one per user or per replica:
 * docs/reliability.md ("Replicas and Redis").
 *
 * <p>Two connections of its own: one in subscribe mode, one that publishes. All of a replica's
 * publishes go down that one connection, pipelined, so Redis relays them in the order they were
 * made (a pool would let two events of one sender overtake each other). What waits on it is bounded:
 * at most {@code parley.chat.redis.max-publish-bytes} of frames and {@link #MAX_PUBLISHES} frames
 * handed to it and not yet acknowledged; past either, an event is not relayed and its recipients
 * are remembered as missed (below), so a slow Redis costs other replicas' clients a reconnect and a
 * sync, never this replica's heap. A publish unanswered for 5 s, or failed, means the connection is
 * no longer trusted: both are dropped and the reconnect loop takes over.
 *
 * <p>When either connection is lost (Redis restarts, the network drops), the relay reconnects for
 * ever, with a jittered pause that doubles up to a ceiling ({@code parley.chat.redis.reconnect-*}),
 * and subscribes again. Meanwhile events for other replicas are dropped (their recipients
 * remembered) and readiness ({@link RelayReadiness}) is down. Once it is back, {@link Restored} is
 * fired: every socket open here may have missed events and is closed with 1012, so its client
 * reconnects and catches up with {@code sync}; and a notice names the users whose events it dropped,
 * on which the replicas holding their sockets close those with 1012 too ({@link Missed}).
 */
@ApplicationScoped
public class ReplicaRelay {

    private static final Logger LOG = Logger.getLogger(ReplicaRelay.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    /** Frames handed to the publishing connection and not yet acknowledged, at most (the client's own queue holds 2048). */
    static final int MAX_PUBLISHES = 1024;

    /** A frame from another replica for local delivery to those of its recipients who have sockets here. */
    public record Remote(List<String> userIds, String json, String exceptConnection) {
    }

    /** The relay is connected again after having been without Redis for {@code downMillis}. */
    public record Restored(long downMillis) {
    }

    /**
     * Another replica could not relay events for this user (its relay was down, or Redis too slow):
     * their sockets here missed them.
     */
    public record Missed(String userId) {
    }

    /** In the connection field of a frame: not an event, a {@link Missed} notice (connection ids never start with '!'). */
    private static final String MISSED = "!missed";
    /** Users remembered as missing events; past this, the rest only catch up at their next reconnect. */
    private static final int MISSED_CAP = 10_000;
    /** Users named in one missed-events notice. */
    private static final int MISSED_PER_NOTICE = 1000;

    /** A subscription connection and a publishing connection, and whether either has ended (it may end before it is swapped in). */
    private static final class Link {
        final RedisConnection subscriber;
        final RedisConnection publisher;
        volatile boolean ended;

        Link(RedisConnection subscriber, RedisConnection publisher) {
            this.subscriber = subscriber;
            this.publisher = publisher;
        }

        Uni<Void> close() {
            return Uni.combine().all().unis(subscriber.close().onFailure().recoverWithNull(),
                    publisher.close().onFailure().recoverWithNull()).discardItems();
        }
    }

    private final boolean enabled;
    private final String channel;
    private final long initialDelay;
    private final long maxDelay;
    private final long maxPublishBytes;
    private final String replicaId = UUID.randomUUID().toString();
    private final Instance<Redis> redisClient;
    private final Vertx vertx;
    private final Event<Restored> restored;
    private final Event<Missed> missedHere;
    /** Users on other replicas whose events this replica did not relay. */
    private final Set<String> missedThere = ConcurrentHashMap.newKeySet();
    /** The connections in use, or null while there are none. */
    private final AtomicReference<Link> link = new AtomicReference<>();
    private final AtomicLong bytesInFlight = new AtomicLong();
    private final AtomicLong publishesInFlight = new AtomicLong();
    private final AtomicBoolean noticeScheduled = new AtomicBoolean();
    private volatile long downSince;
    private volatile boolean stopping;
    private volatile Consumer<Remote> receiver = remote -> {
    };

    public ReplicaRelay(ChatConfig config, Instance<Redis> redisClient, Vertx vertx, Event<Restored> restored,
            Event<Missed> missedHere) {
        this.enabled = config.redis().enabled();
        this.channel = config.redis().prefix() + ":events";
        this.initialDelay = Math.max(1, config.redis().reconnectInitialDelay().toMillis());
        this.maxDelay = Math.max(initialDelay, config.redis().reconnectMaxDelay().toMillis());
        this.maxPublishBytes = config.redis().maxPublishBytes().asLongValue();
        this.redisClient = redisClient;
        this.vertx = vertx;
        this.restored = restored;
        this.missedHere = missedHere;
    }

    void start(@Observes StartupEvent event) {
        if (!enabled) {
            return;
        }
        try {
            Link first = connect().await().atMost(TIMEOUT.multipliedBy(2));
            swapIn(first);
            LOG.infof("Replica %s relaying through Redis on %s", replicaId, channel);
        } catch (RuntimeException e) {
            // not ready until it connects; the loop below keeps trying
            downSince = System.currentTimeMillis();
            LOG.warnf("Relay cannot reach Redis at start-up (%s); reconnecting with backoff", e.getMessage());
            scheduleReconnect(0);
        }
    }

    void stop(@Observes ShutdownEvent event) {
        stopping = true;
        Link current = link.getAndSet(null);
        if (current != null) {
            current.close().subscribe().with(ok -> {
            }, failure -> {
            });
        }
    }

    /** True while the relay has its connections (always with Redis disabled). */
    public boolean connected() {
        return !enabled || link.get() != null;
    }

    public boolean enabled() {
        return enabled;
    }

    /** Opens the publishing connection and a subscription connection subscribed to the events channel. */
    private Uni<Link> connect() {
        return redisClient.get().connect().chain(subscriber -> redisClient.get().connect()
                .onFailure().call(failure -> subscriber.close().onFailure().recoverWithNull())
                .chain(publisher -> {
                    Link candidate = new Link(subscriber, publisher);
                    subscriber.handler(this::onPush);
                    for (RedisConnection connection : List.of(subscriber, publisher)) {
                        connection.exceptionHandler(failure -> LOG.debugf("Relay connection failed: %s", failure.getMessage()));
                        connection.endHandler(() -> {
                            candidate.ended = true;
                            lost(candidate);
                        });
                    }
                    return subscriber.send(Request.cmd(Command.SUBSCRIBE).arg(channel)).ifNoItem().after(TIMEOUT).fail()
                            .onFailure().call(failure -> candidate.close())
                            .replaceWith(candidate);
                }));
    }

    /** The connections in use failed: one warning, then the reconnect loop. Only the first report of a link counts. */
    private void lost(Link ended) {
        if (stopping || !link.compareAndSet(ended, null)) {
            return;
        }
        downSince = System.currentTimeMillis();
        LOG.warnf("Relay lost its Redis connections; events from and to other replicas stop until it is back "
                + "(reconnecting every %d..%d ms)", initialDelay, maxDelay);
        ended.close().subscribe().with(ok -> {
        }, failure -> {
        });
        scheduleReconnect(0);
    }

    /** Full jitter: a pause drawn between 0 and min(ceiling, initial * 2^attempt), so replicas do not retry in step. */
    private void scheduleReconnect(int attempt) {
        if (stopping) {
            return;
        }
        long ceiling = Math.min(maxDelay, initialDelay << Math.min(attempt, 20));
        long pause = 1 + ThreadLocalRandom.current().nextLong(ceiling);
        vertx.setTimer(pause, id -> reconnect(attempt));
    }

    private void reconnect(int attempt) {
        if (stopping) {
            return;
        }
        connect().subscribe().with(fresh -> {
            if (swapIn(fresh)) {
                long down = System.currentTimeMillis() - downSince;
                LOG.infof("Relay reconnected to Redis after %d attempt(s), %d ms without it; closing this replica's "
                        + "sockets with 1012 so their clients sync", attempt + 1, down);
                restored.fire(new Restored(down));
                tellWhoMissedEvents();
            }
        }, failure -> {
            LOG.debugf("Relay reconnect attempt %d failed: %s", attempt + 1, failure.getMessage());
            scheduleReconnect(attempt + 1);
        });
    }

    /**
     * Makes freshly opened connections the ones in use.
     * @return false when one ended already (the loop goes on)
     */
    private boolean swapIn(Link fresh) {
        link.set(fresh);
        if (fresh.ended) {
            if (link.compareAndSet(fresh, null)) {
                downSince = System.currentTimeMillis();
                fresh.close().subscribe().with(ok -> {
                }, failure -> {
                });
                scheduleReconnect(0);
            }
            return false;
        }
        return true;
    }

    /**
     * The events this replica did not relay were for users whose sockets may be on other replicas:
     * a notice naming them (up to {@value #MISSED_PER_NOTICE} a frame) makes the replicas holding
     * them close those sockets with 1012, so they sync.
     */
    private void tellWhoMissedEvents() {
        Link current = link.get();
        if (current == null || missedThere.isEmpty()) {
            return;
        }
        if (missedThere.size() >= MISSED_CAP) {
            LOG.warnf("Relay dropped events for over %d users; those past that catch up at their next reconnect", MISSED_CAP);
        }
        List<String> batch = new ArrayList<>();
        for (String userId : Set.copyOf(missedThere)) {
            missedThere.remove(userId);
            batch.add(userId);
            if (batch.size() == MISSED_PER_NOTICE) {
                notice(current, batch);
                batch = new ArrayList<>();
            }
        }
        if (!batch.isEmpty()) {
            notice(current, batch);
        }
    }

    private void notice(Link current, List<String> userIds) {
        String frame = replicaId + "\n" + MISSED + "\n" + String.join(",", userIds) + "\n";
        current.publisher.send(Request.cmd(Command.PUBLISH).arg(channel).arg(frame)).ifNoItem().after(TIMEOUT).fail()
                .subscribe().with(ok -> {
                }, failure -> {
                    LOG.debugf("Missed-events notice for %d user(s) not sent: %s", userIds.size(), failure.getMessage());
                    userIds.forEach(this::dropped);
                    lost(current);
                });
    }

    private void dropped(String userId) {
        if (missedThere.size() < MISSED_CAP) {
            missedThere.add(userId);
        }
    }

    /** Events dropped while connected (Redis too slow): the notice goes out a second later, once for all dropped meanwhile. */
    private void noticeSoon() {
        if (noticeScheduled.compareAndSet(false, true)) {
            vertx.setTimer(1000, id -> {
                noticeScheduled.set(false);
                tellWhoMissedEvents();
            });
        }
    }

    private void onPush(Response push) {
        if (push.size() == 3 && "message".equals(push.get(0).toString())) {
            onFrame(push.get(2).toString());
        }
    }

    /** Where frames from other replicas go. */
    public void onRemote(Consumer<Remote> receiver) {
        this.receiver = receiver;
    }

    /**
     * Relays one event for some users to the other replicas, in one PUBLISH. Dropped (its users
     * remembered as missed, clients catch up with sync) while the relay is down or while what waits
     * on the publishing connection is at its bound.
     * @param jsonBytes the UTF-8 length of {@code json}, which the caller has counted already
     */
    public void publish(Collection<String> userIds, String json, int jsonBytes, String exceptConnection) {
        if (!enabled || userIds.isEmpty()) {
            return;
        }
        Link current = link.get();
        if (current == null) {
            LOG.debugf("Relay down: event for %d user(s) not relayed", userIds.size());
            userIds.forEach(this::dropped);
            return;
        }
        StringBuilder frame = new StringBuilder(replicaId.length() + 40 + userIds.size() * 25 + json.length())
                .append(replicaId).append('\n').append(exceptConnection == null ? "" : exceptConnection).append('\n');
        boolean first = true;
        for (String userId : userIds) {
            if (!first) {
                frame.append(',');
            }
            frame.append(userId);
            first = false;
        }
        frame.append('\n');
        long bytes = frame.length() + (long) jsonBytes; // the header is ASCII
        frame.append(json);
        if (publishesInFlight.incrementAndGet() > MAX_PUBLISHES || bytesInFlight.addAndGet(bytes) > maxPublishBytes) {
            publishesInFlight.decrementAndGet();
            bytesInFlight.addAndGet(-bytes);
            LOG.debugf("Relay publish queue full: event for %d user(s) not relayed", userIds.size());
            userIds.forEach(this::dropped);
            noticeSoon();
            return;
        }
        current.publisher.send(Request.cmd(Command.PUBLISH).arg(channel).arg(frame.toString())).ifNoItem().after(TIMEOUT).fail()
                .subscribe().with(ok -> released(bytes), failure -> {
                    released(bytes);
                    LOG.debugf("Relay publish failed, reconnecting: %s", failure.getMessage());
                    userIds.forEach(this::dropped);
                    lost(current);
                });
    }

    private void released(long bytes) {
        publishesInFlight.decrementAndGet();
        bytesInFlight.addAndGet(-bytes);
    }

    /** Bytes of frames handed to the publishing connection and not yet acknowledged. */
    long bytesInFlight() {
        return bytesInFlight.get();
    }

    private void onFrame(String frame) {
        int a = frame.indexOf('\n');
        int b = frame.indexOf('\n', a + 1);
        int c = frame.indexOf('\n', b + 1);
        if (a < 0 || b < 0 || c < 0 || (a == replicaId.length() && frame.startsWith(replicaId))) {
            return;
        }
        String except = frame.substring(a + 1, b);
        List<String> userIds = users(frame, b + 1, c);
        if (MISSED.equals(except)) {
            userIds.forEach(userId -> missedHere.fire(new Missed(userId)));
            return;
        }
        receiver.accept(new Remote(userIds, frame.substring(c + 1), except.isEmpty() ? null : except));
    }

    /** The comma-separated user ids between {@code from} and {@code to}. */
    private static List<String> users(String frame, int from, int to) {
        List<String> userIds = new ArrayList<>();
        int start = from;
        while (start < to) {
            int comma = frame.indexOf(',', start);
            int end = comma < 0 || comma > to ? to : comma;
            if (end > start) {
                userIds.add(frame.substring(start, end));
            }
            start = end + 1;
        }
        return userIds;
    }
}
