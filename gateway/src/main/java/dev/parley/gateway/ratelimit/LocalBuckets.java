package dev.parley.gateway.ratelimit;

import java.util.concurrent.TimeUnit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;

/**
 * One limit's token buckets in this replica's memory (Bucket4j, greedy refill), one per client.
 *
 * <p>Memory is bounded: a client's bucket is forgotten once it has been idle long enough to be full
 * again (forgetting it then changes nothing), and at most {@code maxClients} are kept, the least
 * recently used going first.
 */
final class LocalBuckets {

    private final Bandwidth bandwidth;
    private final Cache<String, Bucket> buckets;

    LocalBuckets(Limit limit, long maxClients) {
        this.bandwidth = Bandwidth.builder().capacity(limit.burst()).refillGreedy(limit.requests(), limit.period()).build();
        this.buckets = Caffeine.newBuilder()
                .maximumSize(maxClients)
                .expireAfterAccess(limit.refillFromEmpty().plusSeconds(1))
                .build();
    }

    /** Takes a token from this client's bucket: 0 when there was one, else the seconds until there is. */
    long acquire(String key) {
        ConsumptionProbe probe = buckets.get(key, k -> Bucket.builder().addLimit(bandwidth).build())
                .tryConsumeAndReturnRemaining(1);
        if (probe.isConsumed()) {
            return 0;
        }
        return RateLimiter.seconds(probe.getNanosToWaitForRefill(), TimeUnit.NANOSECONDS);
    }
}
