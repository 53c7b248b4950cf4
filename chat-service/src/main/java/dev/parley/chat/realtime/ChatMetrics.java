package dev.parley.chat.realtime;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.Startup;

import dev.parley.chat.StoreAvailability;
import dev.parley.chat.presence.PresenceLeases;
import dev.parley.chat.presence.PresenceTracker;

/**
 * The replica's state as gauges, read at scrape time from the classes that hold it (nothing is
 * counted twice): sockets and users here, outbound bytes waiting for slow networks, slow consumers
 * closed, presence announcements waiting and dropped, and whether the store, the relay and the
 * presence leases are usable. Counters live beside what they count: {@link Refusals} (socket
 * limits), the writer's shed sends and batches ({@code parley.chat.sends.shed},
 * {@code parley.chat.writer.*}). In realtime, the top layer, because it reads every other one.
 */
@Startup
@ApplicationScoped
public class ChatMetrics {

    private final MeterRegistry meters;
    private final List<Meter> registered = new ArrayList<>();

    public ChatMetrics(MeterRegistry meters, ConnectionRegistry registry, Outbound outbound, PresenceTracker presence,
            PresenceLeases leases, ReplicaRelay relay, StoreAvailability store) {
        this.meters = meters;
        registered.add(Gauge.builder("parley.chat.sockets.open", registry, ConnectionRegistry::connections)
                .description("WebSockets open on this replica").register(meters));
        registered.add(Gauge.builder("parley.chat.sockets.users", registry, ConnectionRegistry::users)
                .description("Users with at least one WebSocket on this replica").register(meters));
        registered.add(Gauge.builder("parley.chat.outbound.queued.bytes", outbound, Outbound::queuedBytes).baseUnit("bytes")
                .description("Frames accepted for sockets that the network has not taken yet (each socket at most outbound-budget)")
                .register(meters));
        registered.add(FunctionCounter.builder("parley.chat.slow.consumers.closed", outbound, Outbound::slowConsumersClosed)
                .description("Sockets closed with 1008 slow_consumer: their reader fell behind by the outbound budget")
                .register(meters));
        registered.add(Gauge.builder("parley.chat.presence.waiting", presence, PresenceTracker::announcementsWaiting)
                .description("Presence announcements waiting on the bounded lanes").register(meters));
        registered.add(FunctionCounter.builder("parley.chat.presence.dropped", presence, PresenceTracker::dropped)
                .description("Presence announcements dropped by a full lane (the next renewal or status corrects them)")
                .register(meters));
        registered.add(Gauge.builder("parley.chat.store.up", store, s -> s.down() ? 0 : 1)
                .description("1 while the store answers, 0 while sends are refused as store_unavailable").register(meters));
        registered.add(Gauge.builder("parley.chat.relay.up", relay, r -> !r.enabled() || r.connected() ? 1 : 0)
                .description("1 while the replica relay is subscribed to Redis (or Redis is off: one replica)").register(meters));
        registered.add(Gauge.builder("parley.chat.presence.leases.up", leases, l -> !l.shared() || l.reachable() ? 1 : 0)
                .description("1 while this replica's presence leases are being renewed (or presence is local)").register(meters));
    }

    /**
     * The gauges read this application's beans: they leave with it (a test run restarts the
     * application in one JVM, and a meter that outlived its beans would fail every scrape).
     */
    void stop(@Observes ShutdownEvent event) {
        registered.forEach(meters::remove);
    }
}
