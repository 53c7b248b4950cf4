package dev.parley.chat.realtime;

import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;

import org.jboss.logging.Logger;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.pubsub.ReactivePubSubCommands;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
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
 */
@ApplicationScoped
public class ReplicaRelay {

    private static final Logger LOG = Logger.getLogger(ReplicaRelay.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    /** A frame from another replica for local delivery. */
    public record Remote(String userId, String json, String exceptConnection) {
    }

    private final boolean enabled;
    private final String prefix;
    private final String replicaId = UUID.randomUUID().toString();
    private final Instance<ReactiveRedisDataSource> redisSource;
    private final Instance<Redis> redisClient;
    private final Set<String> followed = ConcurrentHashMap.newKeySet();
    private ReactivePubSubCommands<String> pubsub;
    /** One connection in subscribe mode; channels are added and dropped on it as users come and go. */
    private volatile RedisConnection subscriptions;
    private volatile boolean stopping;
    private volatile Consumer<Remote> receiver = remote -> {
    };

    public ReplicaRelay(ChatConfig config, Instance<ReactiveRedisDataSource> redisSource, Instance<Redis> redisClient) {
        this.enabled = config.redis().enabled();
        this.prefix = config.redis().prefix();
        this.redisSource = redisSource;
        this.redisClient = redisClient;
    }

    void start(@Observes StartupEvent event) {
        if (!enabled) {
            return;
        }
        pubsub = redisSource.get().pubsub(String.class);
        connectSubscriptions().await().atMost(TIMEOUT);
        LOG.infof("Replica %s relaying through Redis", replicaId);
    }

    void stop(@Observes ShutdownEvent event) {
        stopping = true;
        if (subscriptions != null) {
            subscriptions.close().subscribe().with(ok -> {
            }, failure -> {
            });
        }
    }

    /** Opens the subscription connection and (after a drop) subscribes again to every followed user. */
    private Uni<Void> connectSubscriptions() {
        return redisClient.get().connect().chain(connection -> {
            connection.handler(this::onPush);
            connection.exceptionHandler(failure -> LOG.warnf("Relay subscription connection failed: %s", failure.getMessage()));
            connection.endHandler(() -> {
                if (!stopping) {
                    LOG.warn("Relay subscription connection closed; reconnecting");
                    connectSubscriptions().subscribe().with(ok -> {
                    }, failure -> LOG.errorf("Relay could not reconnect: %s", failure.getMessage()));
                }
            });
            subscriptions = connection;
            Request subscribe = Request.cmd(Command.SUBSCRIBE).arg(prefix + ":replica:" + replicaId);
            followed.forEach(userId -> subscribe.arg(channel(userId)));
            return connection.send(subscribe).replaceWithVoid();
        });
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

    public void publish(String userId, String json, String exceptConnection) {
        if (!enabled) {
            return;
        }
        String frame = replicaId + "\n" + userId + "\n" + (exceptConnection == null ? "" : exceptConnection) + "\n" + json;
        pubsub.publish(channel(userId), frame).subscribe().with(n -> {
        }, failure -> LOG.warnf("Relay publish failed: %s", failure.getMessage()));
    }

    /** Start receiving a user's events (their first connection on this replica). */
    public Uni<Void> follow(String userId) {
        if (!enabled) {
            return Uni.createFrom().voidItem();
        }
        followed.add(userId);
        return subscriptions.send(Request.cmd(Command.SUBSCRIBE).arg(channel(userId))).replaceWithVoid();
    }

    /** Stop receiving a user's events (their last connection here closed). */
    public Uni<Void> unfollow(String userId) {
        if (!enabled) {
            return Uni.createFrom().voidItem();
        }
        followed.remove(userId);
        return subscriptions.send(Request.cmd(Command.UNSUBSCRIBE).arg(channel(userId))).replaceWithVoid();
    }

    private void onFrame(String frame) {
        int a = frame.indexOf('\n');
        int b = frame.indexOf('\n', a + 1);
        int c = frame.indexOf('\n', b + 1);
        if (a < 0 || b < 0 || c < 0 || frame.startsWith(replicaId + "\n")) {
            return;
        }
        String except = frame.substring(b + 1, c);
        receiver.accept(new Remote(frame.substring(a + 1, b), frame.substring(c + 1), except.isEmpty() ? null : except));
    }

    private String channel(String userId) {
        return prefix + ":user:" + userId;
    }
}
