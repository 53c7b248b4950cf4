package dev.parley.chat.realtime;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;

/**
 * Counts what each socket limit refused ({@code parley.chat.frames.refused}, tagged by the limit):
 * the frame rate, the frames in flight, each event's own pace, flood closes, sockets over the
 * per-user cap. An operator sees which limit bites, and whether one user or everyone hits it.
 */
@Startup // every series exists from the start, at 0
@ApplicationScoped
public class Refusals {

    /** The limits, so every series exists (at 0) before the first refusal. */
    static final String[] LIMITS = { "frame_rate", "busy", "wait_budget", "flood_close", "too_many_sockets", "user:typing", "user:status",
            "sync", "message:read" };

    private final MeterRegistry meters;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    public Refusals(MeterRegistry meters) {
        this.meters = meters;
        for (String limit : LIMITS) {
            counter(limit);
        }
    }

    void refused(String limit) {
        counter(limit).increment();
    }

    private Counter counter(String limit) {
        return counters.computeIfAbsent(limit, l -> Counter.builder("parley.chat.frames.refused").tag("limit", l)
                .description("Frames or sockets refused by a limit, before any work was done").register(meters));
    }
}
