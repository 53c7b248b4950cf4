package dev.parley.chat.realtime;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

import dev.parley.chat.ChatConfig;

/**
 * Per-connection state: who it is, how fast it may talk, what it has waiting in each direction.
 * One of these lives as long as its socket, so it is kept small (a few numbers and one array):
 * with 100,000 sockets on a replica every field counts. What arrives ({@link #arrive}) is confined
 * to the connection's event loop; what is sent ({@link #reserve}) may come from any thread.
 */
final class SocketSession {

    /** What a connection may do at a limited pace, each with its own {@link Pace}. */
    enum Limit {
        FRAME, TYPING, STATUS, SYNC, READ
    }

    static final int RESERVED = 0;
    static final int OVER_BUDGET = 1;
    static final int CLOSING = 2;

    /** Outcomes of {@link #arrive}. */
    static final int HANDLE_NOW = 0;
    static final int WAIT = 1;
    static final int BUSY = 2;

    private static final AtomicIntegerFieldUpdater<SocketSession> QUEUED =
            AtomicIntegerFieldUpdater.newUpdater(SocketSession.class, "queued");

    final String userId;
    /** When the access token the socket was opened with expires (epoch millis). */
    private final long expiresAt;
    /** Shared by every connection: one {@link Pace} per {@link Limit}. */
    private final Pace[] paces;
    /** Theoretical arrival time (nanos) of the next event of each {@link Limit}, see {@link Pace}. */
    private final long[] next;
    private int strikes;
    private volatile long lastHeard = System.nanoTime();
    /** Bytes of frames handed to this socket and not yet written to the OS. */
    private volatile int queued;
    /** Set once when a send would pass the budget: the socket is being closed, nothing more is sent. */
    private volatile boolean closing;
    /** Frames arrived and not handled yet, the one being handled included (event loop only). */
    private int inFlight;
    /** Those waiting behind the one being handled, in arrival order; null while there are none (event loop only). */
    private ArrayDeque<Waiting> waiting;

    /** A frame waiting behind the one being handled, and when it arrived (nanos). */
    record Waiting(String frame, long arrivedAt) {
    }

    SocketSession(String userId, long expiresAt, Pace[] paces) {
        this.userId = userId;
        this.expiresAt = expiresAt;
        this.paces = paces;
        this.next = new long[paces.length];
        Arrays.fill(next, lastHeard);
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
        return allow(Limit.FRAME);
    }

    /** Counts a refused frame; true when the connection has flooded long enough to be closed. */
    synchronized boolean strike(int tolerated) {
        return ++strikes > tolerated;
    }

    synchronized boolean allow(Limit limit) {
        int i = limit.ordinal();
        long after = paces[i].admit(next[i], System.nanoTime());
        if (after == Pace.REFUSED) {
            return false;
        }
        next[i] = after;
        return true;
    }

    /**
     * A frame arrived (on the event loop): handle it now, let it wait behind the one being
     * handled (in order), or refuse it when {@code maxInFlight} are in flight already.
     */
    int arrive(String frame, int maxInFlight) {
        if (inFlight >= maxInFlight) {
            return BUSY;
        }
        if (inFlight++ == 0) {
            return HANDLE_NOW;
        }
        if (waiting == null) {
            waiting = new ArrayDeque<>(4);
        }
        waiting.add(new Waiting(frame, System.nanoTime()));
        return WAIT;
    }

    /** The frame being handled is done (on the event loop); @return the next one to handle, or null. */
    Waiting handled() {
        inFlight--;
        if (waiting == null) {
            return null;
        }
        Waiting nextFrame = waiting.poll();
        if (waiting.isEmpty()) {
            waiting = null;
        }
        return nextFrame;
    }

    /** Counts a frame about to be sent, unless that would pass the budget (then the socket is closing from now on). */
    int reserve(int bytes, int budget) {
        while (true) {
            if (closing) {
                return CLOSING;
            }
            int now = queued;
            if (now + (long) bytes > budget) {
                synchronized (this) {
                    if (closing) {
                        return CLOSING;
                    }
                    closing = true;
                }
                return OVER_BUDGET;
            }
            if (QUEUED.compareAndSet(this, now, now + bytes)) {
                return RESERVED;
            }
        }
    }

    /** A counted frame was written (or failed to be). */
    void release(int bytes) {
        QUEUED.addAndGet(this, -bytes);
    }

    int queued() {
        return queued;
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

        /** One per {@link Limit}, in its order. */
        static Pace[] all(ChatConfig.Socket limits) {
            Pace[] paces = new Pace[Limit.values().length];
            paces[Limit.FRAME.ordinal()] = of(limits.framesPerSecond(), Duration.ofSeconds(1), limits.frameBurst());
            paces[Limit.TYPING.ordinal()] = of(limits.typingPer10Seconds(), Duration.ofSeconds(10), limits.typingPer10Seconds());
            paces[Limit.STATUS.ordinal()] = of(limits.statusPer10Seconds(), Duration.ofSeconds(10), limits.statusPer10Seconds());
            paces[Limit.SYNC.ordinal()] = of(limits.syncPer10Seconds(), Duration.ofSeconds(10), limits.syncBurst());
            paces[Limit.READ.ordinal()] = of(limits.readsPerSecond(), Duration.ofSeconds(1), limits.readsPerSecond());
            return paces;
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
