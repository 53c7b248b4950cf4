package dev.parley.chat;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Runs chat-service as one of several replicas on a redis-server of the test's own
 * ({@link RedisProcess}, injected into the test's {@code RedisProcess} field), with short timings:
 * reconnects 50 ms to 500 ms apart, presence leases of 2 s.
 */
public class PrivateRedisResource implements QuarkusTestResourceLifecycleManager {

    static final String PREFIX = "parley-test";
    static final long LEASE_MILLIS = 2000;

    private RedisProcess redis;

    @Override
    public Map<String, String> start() {
        redis = RedisProcess.startOnFreePort();
        return Map.of("quarkus.redis.hosts", redis.uri(),
                "parley.chat.redis.enabled", "true",
                "parley.chat.redis.prefix", PREFIX,
                "parley.chat.redis.reconnect-initial-delay", "PT0.05S",
                "parley.chat.redis.reconnect-max-delay", "PT0.5S",
                "parley.chat.redis.presence-lease", "PT" + LEASE_MILLIS / 1000.0 + "S");
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(redis, new TestInjector.MatchesType(RedisProcess.class));
    }

    @Override
    public void stop() {
        try {
            redis.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
