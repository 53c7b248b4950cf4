package dev.parley.chat.realtime;

import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;

import org.jboss.logging.Logger;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.pubsub.ReactivePubSubCommands;
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
 * Carries events between chat-service replicas over Redis pub/sub, one channel per user. A
 * replica subscribes to a user's channel while that user has a connection on it, so an event
 * crosses only to replicas that have a recipient, and each recipient connection gets it once.
 * A replica ignores what it published itself (it delivered those locally already). With Redis
 * disabled (one replica) everything stays in-process.
 *
 * <p>When the subscription connection is lost (Redis restarts, the network drops), the relay
 * reconnects for ever, with a jittered pause that doubles up to a ceiling
 * ({@code parley.chat.redis.reconnect-*}), and subscribes again to this replica's channel and
 * every user it follows in one SUBSCRIBE. Meanwhile sockets keep opening and closing (who is
 * followed is only recorded, and picked up by the resubscription), events for other replicas are
 * dropped, and readiness ({@link RelayReadiness}) is down. Once it is back, {@link Restored} is
 * fired: every socket open here may have missed events and is closed with 1012, so its client
 * reconnects and catches up with {@code sync} (docs/reliability.md says why).
 */
@ApplicationScoped
public class ReplicaRelay {

    private static final Logger LOG = Logger.getLogger(ReplicaRelay.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    /** A frame from another replica for local delivery. */
    public record Remote(String userId, String json, String exceptConnection) {
    }

    /** The relay is connected again after having been without Redis for {@code downMillis}. */
    public record Restored(long downMillis) {
    }

    /**
     * Another replica could not relay events for this user while its relay was down: their sockets
     * here missed them.
     */
    public record Missed(String userId) {
    }

    /** In the connection field of a frame: not an event, a {@link Missed} notice (connection ids never start with '!'). */
    private static final String MISSED = "!missed";
    /** Users remembered as missing events while down; past this, the rest only catch up at their next reconnect. */
    private static final int MISSED_CAP = 10_000;

    /** One subscription connection, and whether it has ended (it may end before it is swapped in). */
    private static final class Link {
        final RedisConnection connection;
        /** The users its first SUBSCRIBE named. */
        final Set<String> subscribed;
        volatile boolean ended;

        Link(RedisConnection connection, Set<String> subscribed) {
            this.connection = connection;
            this.subscribed = subscribed;
        }
    }

    private final boolean enabled;
    private final String prefix;
    private final long initialDelay;
    private final long maxDelay;
    private final String replicaId = UUID.randomUUID().toString();
    private final Instance<ReactiveRedisDataSource> redisSource;
    private final Instance<Redis> redisClient;
    private final Vertx vertx;
    private final Event<Restored> restored;
    private final Event<Missed> missedHere;
    /** Users on other replicas whose events this replica dropped while its relay was down. */
    private final Set<String> missedThere = ConcurrentHashMap.newKeySet();
    private final Set<String> followed = ConcurrentHashMap.newKeySet();
    private ReactivePubSubCommands<String> pubsub;
    /** The connection in subscribe mode, or null while there is none; channels are added and dropped on it as users come and go. */
    private final AtomicReference<Link> link = new AtomicReference<>();
    private volatile long downSince;
    private volatile boolean stopping;
    private volatile Consumer<Remote> receiver = remote -> {
    };

    public ReplicaRelay(ChatConfig config, Instance<ReactiveRedisDataSource> redisSource, Instance<Redis> redisClient,
            Vertx vertx, Event<Restored> restored, Event<Missed> missedHere) {
        this.enabled = config.redis().enabled();
        this.prefix = config.redis().prefix();
        this.initialDelay = Math.max(1, config.redis().reconnectInitialDelay().toMillis());
        this.maxDelay = Math.max(initialDelay, config.redis().reconnectMaxDelay().toMillis());
        this.redisSource = redisSource;
        this.redisClient = redisClient;
        this.vertx = vertx;
        this.restored = restored;
        this.missedHere = missedHere;
    }

    void start(@Observes StartupEvent event) {
        if (!enabled) {
            return;
        }
        pubsub = redisSource.get().pubsub(String.class);
        try {
            Link first = connect().await().atMost(TIMEOUT);
            swapIn(first);
            LOG.infof("Replica %s relaying through Redis", replicaId);
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
            current.connection.close().subscribe().with(ok -> {
            }, failure -> {
            });
        }
    }

    /** True while the relay has its subscription connection (always with Redis disabled). */
    public boolean connected() {
        return !enabled || link.get() != null;
    }

    public boolean enabled() {
        return enabled;
    }

    /** Opens a subscription connection and subscribes to this replica's channel and every followed user, in one SUBSCRIBE. */
    private Uni<Link> connect() {
        return redisClient.get().connect().chain(connection -> {
            Link candidate = new Link(connection, Set.copyOf(followed));
            connection.handler(this::onPush);
            connection.exceptionHandler(failure -> LOG.debugf("Relay subscription connection failed: %s", failure.getMessage()));
            connection.endHandler(() -> {
                candidate.ended = true;
                lost(candidate);
            });
            Request subscribe = Request.cmd(Command.SUBSCRIBE).arg(prefix + ":replica:" + replicaId);
            candidate.subscribed.forEach(userId -> subscribe.arg(channel(userId)));
            return connection.send(subscribe).ifNoItem().after(TIMEOUT).fail()
                    .onFailure().call(failure -> connection.close().onFailure().recoverWithNull())
                    .replaceWith(candidate);
        });
    }

    /** The connection in use ended: one warning, then the reconnect loop. Only the first report of a link counts. */
    private void lost(Link ended) {
        if (stopping || !link.compareAndSet(ended, null)) {
            return;
        }
        downSince = System.currentTimeMillis();
        LOG.warnf("Relay lost its Redis subscription connection; events from other replicas stop until it is back "
                + "(reconnecting every %d..%d ms)", initialDelay, maxDelay);
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
     * Makes a freshly subscribed connection the one in use, then brings its channels up to date
     * with the users followed or unfollowed while it was subscribing.
     * @return false when it ended already (the loop goes on)
     */
    private boolean swapIn(Link fresh) {
        link.set(fresh);
        if (fresh.ended) {
            if (link.compareAndSet(fresh, null)) {
                downSince = System.currentTimeMillis();
                scheduleReconnect(0);
            }
            return false;
        }
        Request missed = Request.cmd(Command.SUBSCRIBE);
        Request stale = Request.cmd(Command.UNSUBSCRIBE);
        boolean anyMissed = false;
        boolean anyStale = false;
        for (String userId : followed) {
            if (!fresh.subscribed.contains(userId)) {
                missed.arg(channel(userId));
                anyMissed = true;
            }
        }
        for (String userId : fresh.subscribed) {
            if (!followed.contains(userId)) {
                stale.arg(channel(userId));
                anyStale = true;
            }
        }
        if (anyMissed) {
            send(fresh, missed).subscribe().with(ok -> {
            });
        }
        if (anyStale) {
            send(fresh, stale).subscribe().with(ok -> {
            });
        }
        return true;
    }

    /**
     * The events this replica dropped while down were for users whose sockets may be on other
     * replicas, which did not lose their relay: a notice on each such user's channel makes the
     * replicas holding them close those sockets with 1012 too, so they sync.
     */
    private void tellWhoMissedEvents() {
        if (missedThere.size() >= MISSED_CAP) {
            LOG.warnf("Relay dropped events for over %d users while down; those past that catch up at their next reconnect",
                    MISSED_CAP);
        }
        for (String userId : Set.copyOf(missedThere)) {
            missedThere.remove(userId);
            pubsub.publish(channel(userId), replicaId + "\n" + userId + "\n" + MISSED + "\n").subscribe().with(n -> {
            }, failure -> LOG.debugf("Missed-events notice for %s not sent: %s", userId, failure.getMessage()));
        }
    }

    private void dropped(String userId) {
        if (missedThere.size() < MISSED_CAP) {
            missedThere.add(userId);
        }
    }

    private void onPush(Response push) {
        LOG.debugf("Relay push %s of %d element(s)", push.type(), push.size());
        if (push.size() == 3 && "message".equals(push.get(0).toString())) {
            onFrame(push.get(2).toString());
        }
    }

    /** Where frames from other replicas go. */
    public void onRemote(Consumer<Remote> receiver) {
        this.receiver = receiver;
    }

    /** Relays an event to other replicas; while the relay is down it is dropped (clients catch up with sync). */
    public void publish(String userId, String json, String exceptConnection) {
        if (!enabled) {
            return;
        }
        if (link.get() == null) {
            LOG.debugf("Relay down: event for %s not relayed", userId);
            dropped(userId);
            return;
        }
        String frame = replicaId + "\n" + userId + "\n" + (exceptConnection == null ? "" : exceptConnection) + "\n" + json;
        pubsub.publish(channel(userId), frame).subscribe().with(n -> {
        }, failure -> {
            LOG.debugf("Relay publish failed: %s", failure.getMessage());
            dropped(userId);
        });
    }

    /**
     * Start receiving a user's events (their first connection on this replica). Never fails: while
     * the relay is down the user is only recorded, and the resubscription includes them.
     */
    public Uni<Void> follow(String userId) {
        if (!enabled) {
            return Uni.createFrom().voidItem();
        }
        followed.add(userId);
        Link current = link.get();
        return current == null ? Uni.createFrom().voidItem() : send(current, Request.cmd(Command.SUBSCRIBE).arg(channel(userId)));
    }

    /** Stop receiving a user's events (their last connection here closed). Never fails either. */
    public Uni<Void> unfollow(String userId) {
        if (!enabled) {
            return Uni.createFrom().voidItem();
        }
        followed.remove(userId);
        Link current = link.get();
        return current == null ? Uni.createFrom().voidItem() : send(current, Request.cmd(Command.UNSUBSCRIBE).arg(channel(userId)));
    }

    /**
     * A (un)subscription on the connection in use. When it fails or hangs the connection is no
     * longer trusted: it is dropped, and the reconnect subscribes again to everything followed.
     */
    private Uni<Void> send(Link current, Request request) {
        return current.connection.send(request).ifNoItem().after(TIMEOUT).fail().replaceWithVoid()
                .onFailure().recoverWithUni(failure -> {
                    LOG.debugf("Relay (un)subscription failed, reconnecting: %s", failure.getMessage());
                    lost(current);
                    return current.connection.close().onFailure().recoverWithNull();
                });
    }

    private void onFrame(String frame) {
        int a = frame.indexOf('\n');
        int b = frame.indexOf('\n', a + 1);
        int c = frame.indexOf('\n', b + 1);
        if (a < 0 || b < 0 || c < 0 || frame.startsWith(replicaId + "\n")) {
            return;
        }
        String except = frame.substring(b + 1, c);
        if (MISSED.equals(except)) {
            missedHere.fire(new Missed(frame.substring(a + 1, b)));
            return;
        }
        receiver.accept(new Remote(frame.substring(a + 1, b), frame.substring(c + 1), except.isEmpty() ? null : except));
    }

    private String channel(String userId) {
        return prefix + ":user:" + userId;
    }
}
