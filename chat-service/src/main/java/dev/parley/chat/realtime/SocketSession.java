package dev.parley.chat.realtime;

import java.time.Duration;

import dev.parley.chat.ChatConfig;

/**
 * Per-connection state: who it is, and how fast it may talk. One of these lives as long as its
 * socket, so it is kept small (a few longs): with 100,000 sockets on a replica every field counts.
 */
final class SocketSession {

    final String userId;
    /** When the access token the socket was opened with expires (epoch millis). */
    private final long expiresAt;
    private static final int FRAME = 0;
    private static final int TYPING = 1;
    private final Pace frames;
    private final Pace typing;
    /** Theoretical arrival times (nanos) of the next frame and the next typing event, see {@link Pace}. */
    private final long[] next = new long[2];
    private int strikes;
    private volatile long lastHeard = System.nanoTime();

    SocketSession(String userId, long expiresAt, Pace frames, Pace typing) {
        this.userId = userId;
        this.expiresAt = expiresAt;
        this.frames = frames;
        this.typing = typing;
        this.next[FRAME] = lastHeard;
        this.next[TYPING] = lastHeard;
    }

    boolean expiredAt(long epochMillis) {
        return epochMillis >= expiresAt;
    }

    /** Something (a frame or a pong) arrived from the peer. */
    void heard() {
        lastHeard = System.nanoTime();
    }

    boolean silentFor(Duration limit) {
        return System.nanoTime() - lastHeard > limit.toNanos();
    }

    /** False when the connection is over its frame rate. */
    boolean allowFrame() {
        return admit(FRAME, frames);
    }

    /** Counts a rate-limited frame; true when the connection has flooded long enough to be closed. */
    synchronized boolean strike(int tolerated) {
        return ++strikes > tolerated;
    }

    boolean allowTyping() {
        return admit(TYPING, typing);
    }

    private synchronized boolean admit(int limit, Pace pace) {
        long after = pace.admit(next[limit], System.nanoTime());
        if (after == Pace.REFUSED) {
            return false;
        }
        next[limit] = after;
        return true;
    }

    /**
     * A rate limit shared by every connection: {@code burst} events at once, then {@code perPeriod}
     * per period on average. The same as a token bucket of capacity {@code burst} refilled
     * continuously, kept as one number per connection (the generic cell rate algorithm): the
     * theoretical time of the next event, which may run ahead of now by at most the burst.
     */
    record Pace(long interval, long tolerance) {

        static final long REFUSED = Long.MIN_VALUE;

        static Pace of(int perPeriod, Duration period, int burst) {
            long interval = period.toNanos() / perPeriod;
            return new Pace(interval, interval * (burst - 1L));
        }

        static Pace frames(ChatConfig.Socket limits) {
            return of(limits.framesPerSecond(), Duration.ofSeconds(1), limits.frameBurst());
        }

        static Pace typing(ChatConfig.Socket limits) {
            return of(limits.typingPer10Seconds(), Duration.ofSeconds(10), limits.typingPer10Seconds());
        }

        /** @return the next theoretical time after admitting an event at {@code now}, or {@link #REFUSED} */
        long admit(long next, long now) {
            long start = next - now > 0 ? next : now;
            if (start - now > tolerance) {
                return REFUSED;
            }
            return start + interval;
        }
    }
}
