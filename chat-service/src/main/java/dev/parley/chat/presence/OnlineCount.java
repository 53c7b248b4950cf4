package dev.parley.chat.presence;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;

import dev.parley.chat.ChatConfig;

/**
 * Each user's open sockets over every replica: a counter in Redis when replicas share one, in this
 * process otherwise. "Online" means the count is above zero.
 */
@ApplicationScoped
public class OnlineCount {

    private final boolean shared;
    private final String prefix;
    private final Instance<ReactiveRedisDataSource> redis;
    private final Map<String, Long> local = new ConcurrentHashMap<>();

    public OnlineCount(ChatConfig config, Instance<ReactiveRedisDataSource> redis) {
        this.shared = config.redis().enabled();
        this.prefix = config.redis().prefix();
        this.redis = redis;
    }

    /** @return the user's open sockets, this one included */
    public Uni<Long> opened(String userId) {
        return change(userId, 1);
    }

    /** @return the user's open sockets left */
    public Uni<Long> closed(String userId) {
        return change(userId, -1);
    }

    private Uni<Long> change(String userId, long delta) {
        if (!shared) {
            Long count = local.compute(userId, (id, n) -> {
                long next = (n == null ? 0 : n) + delta;
                return next <= 0 ? null : next;
            });
            return Uni.createFrom().item(count == null ? 0L : count);
        }
        var values = redis.get().value(Long.class);
        String key = prefix + ":presence:" + userId;
        return delta > 0 ? values.incr(key) : values.decr(key);
    }
}
