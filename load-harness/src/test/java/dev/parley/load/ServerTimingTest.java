package dev.parley.load;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The history scenario's split of each page comes from chat-service's Server-Timing header. */
class ServerTimingTest {

    @Test
    void readsTheStoreDurationInMicroseconds() {
        assertEquals(1234, HistoryScenario.storeMicros("store;dur=1.234, app;dur=0.567"));
        assertEquals(21_300_000, HistoryScenario.storeMicros("app;dur=2.000, store;desc=\"MongoDB\";dur=21300"));
    }

    @Test
    void saysWhenThereIsNone() {
        assertEquals(-1, HistoryScenario.storeMicros(null));
        assertEquals(-1, HistoryScenario.storeMicros("app;dur=1.0"));
    }
}
