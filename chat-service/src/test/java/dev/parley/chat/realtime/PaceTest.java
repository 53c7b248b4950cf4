package dev.parley.chat.realtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/** The per-connection rate limit: a burst at once, then the average rate, with explicit clock readings. */
class PaceTest {

    private static final long SECOND = Duration.ofSeconds(1).toNanos();

    @Test
    void allowsTheBurstAtOnceThenRefuses() {
        SocketSession.Pace pace = SocketSession.Pace.of(50, Duration.ofSeconds(1), 100);
        long now = 7 * SECOND;
        long next = now;
        for (int i = 0; i < 100; i++) {
            next = pace.admit(next, now);
            assertNotEquals(SocketSession.Pace.REFUSED, next, "event " + (i + 1) + " of the burst");
        }
        assertEquals(SocketSession.Pace.REFUSED, pace.admit(next, now));
    }

    @Test
    void refillsAtTheAverageRate() {
        SocketSession.Pace pace = SocketSession.Pace.of(50, Duration.ofSeconds(1), 100);
        long now = 0;
        long next = now;
        for (int i = 0; i < 100; i++) {
            next = pace.admit(next, now);
        }
        // one interval (20 ms) later exactly one more fits, then none
        now += SECOND / 50;
        next = pace.admit(next, now);
        assertNotEquals(SocketSession.Pace.REFUSED, next);
        assertEquals(SocketSession.Pace.REFUSED, pace.admit(next, now));
        // after a quiet period the whole burst is back, and no more than that
        now += 10 * SECOND;
        int admitted = 0;
        for (long n = pace.admit(next, now); n != SocketSession.Pace.REFUSED; n = pace.admit(next, now)) {
            next = n;
            admitted++;
        }
        assertEquals(100, admitted);
    }
}
