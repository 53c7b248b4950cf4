package dev.parley.gateway.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.parley.gateway.PrivateRedis;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;

/**
 * The limits replicas share, against a real redis-server of the test's own: two SharedBuckets on
 * one Redis are two gateway replicas. Without Redis (killed, or paused so that it answers too
 * late) each falls back to its own buckets, answers every check, and tries Redis again later.
 */
class SharedBucketsTest {

    /** 5 at once, then one every 12 minutes: nothing refills during a test. */
    private static final Limit LOGIN = new Limit("login", 5, Duration.ofHours(1), 5);

    private PrivateRedis redis;
    private Vertx vertx;
    private final List<Redis> clients = new ArrayList<>();

    @BeforeEach
    void start() {
        redis = PrivateRedis.startOnFreePort();
        vertx = Vertx.vertx();
    }

    @AfterEach
    void stop() throws InterruptedException {
        clients.forEach(Redis::close);
        vertx.close().toCompletionStage().toCompletableFuture().join();
        redis.close();
    }

    private Replica replica(Duration timeout, Duration retryAfter) {
        Redis client = Redis.createClient(vertx, new RedisOptions().setConnectionString(redis.uri())
                .setMaxPoolSize(4).setMaxPoolWaiting(64));
        clients.add(client);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        return new Replica(new SharedBuckets(client, vertx, "parley-test", timeout, retryAfter, registry),
                new LocalBuckets(LOGIN, 1000), registry);
    }

    record Replica(SharedBuckets shared, LocalBuckets local, SimpleMeterRegistry registry) {
        long acquire(String client) throws Exception {
            return shared.acquire(LOGIN, client, local).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        }

        double localChecks() {
            return registry.get("parley.gateway.rate-limit.local-checks").counter().count();
        }
    }

    @Test
    void twoReplicasDrawOnOneBudget() throws Exception {
        Replica a = replica(Duration.ofSeconds(2), Duration.ofSeconds(5));
        Replica b = replica(Duration.ofSeconds(2), Duration.ofSeconds(5));
        for (int i = 0; i < 3; i++) {
            assertEquals(0, a.acquire("203.0.113.1"));
        }
        assertEquals(0, b.acquire("203.0.113.1"));
        assertEquals(0, b.acquire("203.0.113.1"));
        long wait = a.acquire("203.0.113.1");
        assertTrue(wait > 0 && wait <= 720, "the next token in 12 minutes at most: " + wait);
        assertTrue(b.acquire("203.0.113.1") > 0, "spent for the other replica too");
        assertEquals(0, a.acquire("203.0.113.2"), "another client has a budget of its own");
        assertEquals(0, a.localChecks() + b.localChecks(), "all of it counted in Redis");
    }

    @Test
    void eachClientIsOneKeyThatExpiresWhenItsBucketIsFullAgain() throws Exception {
        Replica a = replica(Duration.ofSeconds(2), Duration.ofSeconds(5));
        a.acquire("2001:db8:1:2::/64");
        a.acquire("2001:db8:1:2::/64");
        long ttl = Long.parseLong(redis.command("PTTL", "parley-test:rate:login:2001:db8:1:2::/64").substring(1));
        assertTrue(ttl > 0 && ttl <= Duration.ofMinutes(24).toMillis(), "two tokens come back in 24 minutes: " + ttl);
    }

    @Test
    void aScriptRedisHasForgottenIsLoadedAgain() throws Exception {
        Replica a = replica(Duration.ofSeconds(2), Duration.ofSeconds(5));
        assertEquals(0, a.acquire("203.0.113.3"));
        assertEquals("+OK", redis.command("SCRIPT", "FLUSH"));
        assertEquals(0, a.acquire("203.0.113.3"));
        assertEquals(0, a.localChecks());
    }

    @Test
    void withRedisDownEachReplicaCountsAloneAndNothingFails() throws Exception {
        Replica a = replica(Duration.ofSeconds(2), Duration.ofMillis(200));
        assertEquals(0, a.acquire("203.0.113.4"));
        redis.kill();

        for (int i = 0; i < 5; i++) {
            assertEquals(0, a.acquire("203.0.113.4"), "the replica's own full bucket admits");
        }
        assertTrue(a.acquire("203.0.113.4") > 0, "and is spent after the burst, like the shared one");
        assertFalse(a.shared().redisUp());
        assertTrue(a.localChecks() >= 6);

        redis.start(); // empty, on the same port
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!a.shared().redisUp()) {
            assertTrue(System.nanoTime() < deadline, "the replica went back to Redis");
            a.acquire("203.0.113.40");
        }
        double local = a.localChecks();
        assertEquals(0, a.acquire("203.0.113.41"));
        assertEquals(local, a.localChecks(), "counted in Redis again");
    }

    @Test
    void aRedisThatAnswersTooLateIsPassedOverAtTheTimeout() throws Exception {
        Replica a = replica(Duration.ofMillis(100), Duration.ofSeconds(30));
        assertEquals(0, a.acquire("203.0.113.5"));
        assertEquals("+OK", redis.command("CLIENT", "PAUSE", "3000")); // every other client's command waits 3 s
        long started = System.nanoTime();
        assertEquals(0, a.acquire("203.0.113.5"), "decided by the replica's own bucket");
        assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(3), "without waiting for Redis");
        assertFalse(a.shared().redisUp());
        assertEquals(1, a.localChecks());
        assertEquals(0, a.acquire("203.0.113.5"));
        assertEquals(2, a.localChecks(), "while Redis is out, checks go straight to the replica's buckets");
    }
}
