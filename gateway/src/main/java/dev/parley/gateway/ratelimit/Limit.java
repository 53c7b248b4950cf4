package dev.parley.gateway.ratelimit;

import java.time.Duration;

/**
 * One budget: at most {@code burst} requests back to back, and {@code requests} per
 * {@code period} over time, refilled evenly (one every {@code period / requests}).
 *
 * @param name what it protects, also part of its Redis keys ({@code login}, {@code register}, ...)
 */
record Limit(String name, long requests, Duration period, long burst) {

    Limit {
        if (requests < 1 || burst < 1 || period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("rate limit " + name + " needs requests >= 1, burst >= 1 and a positive period");
        }
        if (emissionMicros(period, requests) < 1) {
            throw new IllegalArgumentException("rate limit " + name + " refills more often than once a microsecond");
        }
    }

    /** The time one request's token takes to come back, in microseconds. */
    long emissionMicros() {
        return emissionMicros(period, requests);
    }

    /** How long an emptied bucket takes to be full again: after that long idle, forgetting it changes nothing. */
    Duration refillFromEmpty() {
        return period.multipliedBy(burst).dividedBy(requests);
    }

    private static long emissionMicros(Duration period, long requests) {
        return period.toNanos() / 1000 / requests;
    }
}
