package dev.parley.load;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The history scenario's split of each page comes from chat-service's Server-Timing header. */
class ServerTimingTest {

    @Test
    void readsEachDurationInMicroseconds() {
        assertEquals(1234, HistoryScenario.micros("store;dur=1.234, app;dur=0.567", "store"));
        assertEquals(567, HistoryScenario.micros("store;dur=1.234, app;dur=0.567", "app"));
        assertEquals(21_300_000, HistoryScenario.micros("app;dur=2.000, store;desc=\"MongoDB\";dur=21300", "store"));
    }

    @Test
    void saysWhenThereIsNone() {
        assertEquals(-1, HistoryScenario.micros(null, "store"));
        assertEquals(-1, HistoryScenario.micros("app;dur=1.0", "store"));
    }
}
