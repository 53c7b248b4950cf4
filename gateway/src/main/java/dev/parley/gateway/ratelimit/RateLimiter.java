package dev.parley.gateway.ratelimit;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import dev.parley.gateway.GatewayConfig;
import dev.parley.gateway.GatewayProblems;
import dev.parley.gateway.edge.ClientAddress;
import dev.parley.gateway.security.CallerId;
import io.quarkus.runtime.Startup;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

/**
 * Token buckets (Bucket4j, in memory, per gateway instance): per client IP for signing in, per
 * user elsewhere.
 *
 * <p>How "N per period, burst B" reads: the bucket holds at most B tokens and gets N tokens back
 * per period, one at a time and evenly spread (greedy refill). So after a quiet spell a client may
 * send B requests back to back, and over time no more than N per period. With the sign-in default
 * (10 per minute, burst 5) that is 5 attempts at once, then one every 6 seconds.
 *
 * <p>Memory is bounded: a client's bucket is forgotten once it has been idle long enough to be
 * full again (forgetting it then changes nothing), and at most {@code max-clients} buckets are
 * kept per kind, the least recently used going first.
 */
@Startup // impossible limits stop the gateway from starting
@ApplicationScoped
public class RateLimiter {

    private static final Set<String> SIGN_IN = Set.of("/auth/register", "/auth/login", "/auth/refresh");

    private final Limit signIn;
    private final Limit user;
    private final GatewayProblems problems;

    public RateLimiter(GatewayConfig config, GatewayProblems problems) {
        this.problems = problems;
        GatewayConfig.RateLimits limits = config.rateLimit();
        this.signIn = new Limit(limits.signInRequests(), limits.signInPeriod(), limits.signInBurst(), limits.maxClients());
        this.user = new Limit(limits.userRequests(), limits.userPeriod(), limits.userBurst(), limits.maxClients());
    }

    /**
     * Takes one token from the bucket this request draws on: its client IP's on sign-in routes,
     * otherwise its user's (its IP's when anonymous). When the bucket is empty, answers 429 with
     * {@code Retry-After} and returns false.
     */
    public boolean admit(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        String ip = ClientAddress.of(request);
        long wait;
        if (request.method() == HttpMethod.POST && SIGN_IN.contains(ctx.normalizedPath())) {
            wait = signIn.acquire(ip);
        } else {
            String userId = CallerId.of(ctx);
            wait = user.acquire(userId == null ? "ip:" + ip : "user:" + userId);
        }
        if (wait == 0) {
            return true;
        }
        ctx.response().putHeader(HttpHeaders.RETRY_AFTER, Long.toString(wait));
        problems.send(ctx, GatewayProblems.rateLimited());
        return false;
    }

    private static final class Limit {
        private final Bandwidth bandwidth;
        private final Cache<String, Bucket> buckets;

        Limit(long requests, Duration period, long burst, long maxClients) {
            if (requests < 1 || burst < 1 || period.isNegative() || period.isZero()) {
                throw new IllegalArgumentException("rate limits need requests >= 1, burst >= 1 and a positive period");
            }
            this.bandwidth = Bandwidth.builder().capacity(burst).refillGreedy(requests, period).build();
            Duration refillFromEmpty = period.multipliedBy(burst).dividedBy(requests);
            this.buckets = Caffeine.newBuilder()
                    .maximumSize(maxClients)
                    .expireAfterAccess(refillFromEmpty.plusSeconds(1))
                    .build();
        }

        long acquire(String key) {
            ConsumptionProbe probe = buckets.get(key, k -> Bucket.builder().addLimit(bandwidth).build())
                    .tryConsumeAndReturnRemaining(1);
            if (probe.isConsumed()) {
                return 0;
            }
            return Math.max(1, TimeUnit.NANOSECONDS.toSeconds(probe.getNanosToWaitForRefill() + 999_999_999L));
        }
    }
}
