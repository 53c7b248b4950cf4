package dev.parley.chat.presence;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Keeps this replica's presence leases alive and cleans up after dead replicas. Every third of a
 * lease: renews this replica's heartbeat and its leases on its users, and looks for replicas whose
 * heartbeat has expired; for each, the replica that takes its cleanup lock removes its leases and
 * announces "offline" for every user who had no other one. A killed replica's users therefore go
 * offline at most a lease and a third after its last renewal. Nothing runs with Redis disabled.
 */
@ApplicationScoped
public class LeaseKeeper {

    private static final Logger LOG = Logger.getLogger(LeaseKeeper.class);

    private final PresenceLeases leases;
    private final PresenceTracker tracker;
    private ScheduledExecutorService timer;
    private boolean unreachable;

    public LeaseKeeper(PresenceLeases leases, PresenceTracker tracker) {
        this.leases = leases;
        this.tracker = tracker;
    }

    void start(@Observes StartupEvent event) {
        if (!leases.shared()) {
            return;
        }
        long every = Math.max(1, leases.lease().toMillis() / 3);
        timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "presence-leases");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleWithFixedDelay(() -> {
            try {
                tick();
            } catch (RuntimeException e) {
                LOG.warnf("Presence lease renewal failed: %s", e.getMessage()); // and the next one runs: never let the timer die
            }
        }, 0, every, TimeUnit.MILLISECONDS);
        LOG.infof("Replica %s keeps presence leases of %d ms", leases.replicaId(), leases.lease().toMillis());
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer == null) {
            return;
        }
        timer.shutdownNow();
        try {
            leases.retire();
        } catch (RuntimeException e) {
            LOG.debugf("Heartbeat not retired: %s", e.getMessage());
        }
    }

    /** On the keeper's one thread only. */
    private void tick() {
        List<String> dead;
        try {
            dead = leases.heartbeat();
        } catch (RuntimeException e) {
            leases.unreachable();
            if (!unreachable) {
                unreachable = true;
                LOG.warnf("Presence cannot reach Redis (%s); retrying every %d ms", e.getMessage(),
                        Math.max(1, leases.lease().toMillis() / 3));
            }
            return;
        }
        if (unreachable) {
            unreachable = false;
            LOG.info("Presence reaches Redis again; leases renewed");
        }
        tracker.renewHere();
        for (String replica : dead) {
            try {
                cleanUp(replica);
            } catch (RuntimeException e) {
                LOG.warnf("Dead replica %s not cleaned up yet: %s", replica, e.getMessage());
            }
        }
    }

    private void cleanUp(String deadReplica) {
        List<String> users = leases.claim(deadReplica);
        if (users == null) {
            return; // another replica is at it
        }
        List<CompletableFuture<Boolean>> done = users.stream().map(user -> tracker.expired(deadReplica, user)).toList();
        boolean all;
        try {
            CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(leases.lease().toMillis(), TimeUnit.MILLISECONDS);
            all = done.stream().allMatch(CompletableFuture::join);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (Exception e) {
            all = false;
        }
        if (all) {
            leases.forget(deadReplica);
            LOG.infof("Replica %s stopped renewing its leases: removed them for %d user(s)", deadReplica, users.size());
        }
        // otherwise the cleanup lock lapses after a lease and the next look finds the replica again
    }
}
