package dev.parley.gateway.ratelimit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

/**
 * Limits every gateway replica shares, kept in Redis: one key per limit and client holding the
 * GCRA's "theoretical arrival time" (generic cell rate algorithm, the token bucket said as one
 * timestamp), checked and moved by one Lua script per request, so concurrent checks from any
 * number of replicas never race, and timed by Redis's own clock ({@code TIME}), so the replicas'
 * clocks do not matter. Each key expires when its bucket would be full again: an idle client
 * costs nothing, and Redis holds at most one small key per client active within that time.
 *
 * <p>Why a script of our own: a limit check is a read, a decision and a write that must happen as
 * one; the Quarkus Redis client has no rate limiter, and Bucket4j's Redis integrations need
 * clients (Lettuce, Jedis, Redisson) the gateway does not otherwise use. GCRA needs one number
 * per client, where a token bucket needs two.
 *
 * <p><b>When Redis is down or slow</b> (no answer within {@code timeout}, an error, or the client's
 * bounded wait queue full), that check is counted at once in this replica's own buckets (the same
 * limits, per replica), and so is every check for {@code retryAfter}; then Redis is tried again.
 * Nothing is refused for want of Redis. One warning when Redis is lost, one line when it is back,
 * {@code parley.gateway.rate-limit.local-checks} counts the checks made locally because of it,
 * and {@code parley.gateway.rate-limit.redis-up} is 1 or 0.
 */
final class SharedBuckets {

    private static final Logger LOG = Logger.getLogger(SharedBuckets.class);

    /**
     * KEYS[1] the client's key; ARGV[1] the emission interval in microseconds, ARGV[2] the burst.
     * Returns 0 when admitted (the arrival time moved on by one interval), else the microseconds
     * until a request would be.
     */
    static final String SCRIPT = """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
            local interval = tonumber(ARGV[1])
            local tolerance = interval * (tonumber(ARGV[2]) - 1)
            local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
            if tat < now then tat = now end
            local early = tat - now - tolerance
            if early > 0 then return early end
            local after = tat + interval
            redis.call('SET', KEYS[1], string.format('%.0f', after), 'PX', math.ceil((after - now) / 1000))
            return 0
            """;
    static final String SCRIPT_SHA = sha1(SCRIPT);

    private final Redis redis;
    private final Vertx vertx;
    private final String prefix;
    private final long timeoutMillis;
    private final long retryAfterNanos;
    private final AtomicBoolean up = new AtomicBoolean(true);
    private volatile long downUntil;
    private final Counter localChecks;

    SharedBuckets(Redis redis, Vertx vertx, String prefix, Duration timeout, Duration retryAfter, MeterRegistry registry) {
        this.redis = redis;
        this.vertx = vertx;
        this.prefix = prefix;
        this.timeoutMillis = Math.max(1, timeout.toMillis());
        this.retryAfterNanos = retryAfter.toNanos();
        this.localChecks = Counter.builder("parley.gateway.rate-limit.local-checks")
                .description("Checks of a shared limit counted in this replica alone because Redis failed, was slow or is down")
                .register(registry);
        Gauge.builder("parley.gateway.rate-limit.redis-up", up, u -> u.get() ? 1 : 0)
                .description("1 while the shared limits are kept in Redis, 0 while this replica counts alone")
                .register(registry);
    }

    /** True while checks go to Redis (false during the pause after a failure). */
    boolean redisUp() {
        return up.get();
    }

    /**
     * Takes a token from this client's shared bucket: 0 when there was one, else the seconds until
     * there is. Never fails: without Redis the client's bucket in {@code local} decides. Completes
     * on the caller's Vert.x context.
     */
    Future<Long> acquire(Limit limit, String client, LocalBuckets local) {
        if (!up.get() && System.nanoTime() - downUntil < 0) {
            localChecks.increment();
            return Future.succeededFuture(local.acquire(client));
        }
        Context caller = Vertx.currentContext();
        Promise<Long> answer = Promise.promise();
        AtomicBoolean settled = new AtomicBoolean();
        String key = prefix + ":rate:" + limit.name() + ":" + client;
        long timer = vertx.setTimer(timeoutMillis, id -> {
            if (settled.compareAndSet(false, true)) {
                lost("no answer within " + timeoutMillis + " ms");
                localChecks.increment();
                deliver(caller, answer, local.acquire(client));
            }
        });
        check(key, limit).onComplete(reply -> {
            if (!settled.compareAndSet(false, true)) {
                return; // too late: the local bucket has decided
            }
            vertx.cancelTimer(timer);
            if (reply.succeeded()) {
                back();
                deliver(caller, answer, reply.result() == 0 ? 0 : RateLimiter.seconds(reply.result(), TimeUnit.MICROSECONDS));
            } else {
                lost(reply.cause().toString());
                localChecks.increment();
                deliver(caller, answer, local.acquire(client));
            }
        });
        return answer.future();
    }

    /** The script by its hash; loaded (by running it in full) when this Redis does not know it yet. */
    private Future<Long> check(String key, Limit limit) {
        String interval = Long.toString(limit.emissionMicros());
        String burst = Long.toString(limit.burst());
        return redis.send(Request.cmd(Command.EVALSHA).arg(SCRIPT_SHA).arg(1).arg(key).arg(interval).arg(burst))
                .recover(failure -> failure.getMessage() != null && failure.getMessage().startsWith("NOSCRIPT")
                        ? redis.send(Request.cmd(Command.EVAL).arg(SCRIPT).arg(1).arg(key).arg(interval).arg(burst))
                        : Future.failedFuture(failure))
                .map(Response::toLong);
    }

    private void lost(String why) {
        downUntil = System.nanoTime() + retryAfterNanos;
        if (up.compareAndSet(true, false)) {
            LOG.warnf("Rate limits cannot use Redis (%s): each replica counts sign-in, registration and refresh alone, "
                    + "trying Redis again every %d ms", why, TimeUnit.NANOSECONDS.toMillis(retryAfterNanos));
        }
    }

    private void back() {
        if (up.compareAndSet(false, true)) {
            LOG.info("Rate limits use Redis again: the replicas share sign-in, registration and refresh limits");
        }
    }

    private static void deliver(Context caller, Promise<Long> answer, long seconds) {
        if (caller == null || Vertx.currentContext() == caller) {
            answer.complete(seconds);
        } else {
            caller.runOnContext(v -> answer.complete(seconds));
        }
    }

    private static String sha1(String script) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(script.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
