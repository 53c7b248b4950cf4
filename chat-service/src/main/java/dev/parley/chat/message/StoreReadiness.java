package dev.parley.chat.message;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import io.smallrye.mutiny.infrastructure.Infrastructure;

import dev.parley.chat.ChatConfig;
import dev.parley.chat.StoreAvailability;

/**
 * Not ready while the store does not answer a {@code ping} within {@code parley.chat.store.ping-timeout}
 * (or the writer has just seen it fail): this replica could not store or read a message. An answer is
 * reused for {@code ping-cache-for}, and at most one ping is on its way at a time, so probes (and a
 * hanging store) cost the store and this replica nothing more. Liveness is not affected: restarting
 * the pod would not bring the store back. Replaces the MongoDB extension's own check, which pings on
 * every probe and waits up to the read timeout (30 s by default).
 */
@Readiness
@ApplicationScoped
public class StoreReadiness implements HealthCheck {

    private record Answer(boolean up, String detail, long at) {
    }

    private final MessageStore store;
    private final StoreAvailability availability;
    private final long timeoutNanos;
    private final long cacheNanos;
    private final AtomicReference<CompletableFuture<Answer>> inFlight = new AtomicReference<>();
    private volatile Answer last;

    public StoreReadiness(MessageStore store, StoreAvailability availability, ChatConfig config) {
        this.store = store;
        this.availability = availability;
        this.timeoutNanos = config.store().pingTimeout().toNanos();
        this.cacheNanos = config.store().pingCacheFor().toNanos();
    }

    @Override
    public HealthCheckResponse call() {
        Answer answer = current();
        // a failure the writer or a request saw since the last ping wins: the store is down now
        boolean up = answer.up() && !availability.down();
        return HealthCheckResponse.named("store").status(up)
                .withData("store", up ? "reachable" : answer.up() ? "failing" : answer.detail()).build();
    }

    private Answer current() {
        Answer cached = last;
        if (cached != null && System.nanoTime() - cached.at() < cacheNanos) {
            return cached;
        }
        CompletableFuture<Answer> fresh = new CompletableFuture<>();
        CompletableFuture<Answer> ping = inFlight.compareAndExchange(null, fresh);
        if (ping == null) {
            ping = fresh;
            Infrastructure.getDefaultWorkerPool().execute(() -> ping(fresh));
        }
        try {
            return ping.get(timeoutNanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            Answer silent = new Answer(false, "no answer within " + timeoutNanos / 1_000_000 + " ms", System.nanoTime());
            last = silent;
            availability.failed(null);
            return silent;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(false, "interrupted", System.nanoTime());
        } catch (ExecutionException e) {
            return new Answer(false, "unreachable", System.nanoTime());
        }
    }

    private void ping(CompletableFuture<Answer> mine) {
        Answer answer;
        try {
            store.ping();
            availability.succeeded();
            answer = new Answer(true, "reachable", System.nanoTime());
        } catch (RuntimeException e) {
            if (StoreAvailability.isOutage(e)) {
                availability.failed(e);
            }
            answer = new Answer(false, "unreachable: " + e.getClass().getSimpleName(), System.nanoTime());
        }
        last = answer;
        inFlight.set(null);
        mine.complete(answer);
    }
}
