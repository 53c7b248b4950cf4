package dev.parley.chat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** chat-service settings ({@code parley.chat.*}). */
@ConfigMapping(prefix = "parley.chat")
public interface ChatConfig {

    /** Largest message content, in UTF-8 bytes. */
    @WithDefault("4096")
    int maxContentBytes();

    /**
     * Whether history pages carry {@code Server-Timing} (store and chat-service milliseconds). Off:
     * timings tell an outsider how the store is doing (review L11); an operator turns it on to
     * measure (./bench does).
     */
    @WithDefault("false")
    boolean serverTiming();

    /**
     * Most messages one {@code sync} answer carries; the client asks again from the last one. Bytes
     * are capped too ({@link Socket#syncPageBytes()}).
     */
    @WithDefault("200")
    int syncPageSize();

    Writer writer();

    Socket socket();

    Crypto crypto();

    Redis redis();

    Store store();

    Presence presence();

    interface Writer {
        /** Most messages in one bulk insert. */
        @WithDefault("256")
        int maxBatch();

        /** Messages waiting for the store before sends are refused as overloaded. */
        @WithDefault("50000")
        int maxQueued();

        /**
         * Heap that messages waiting for the store may hold before sends are refused as
         * {@code overloaded}: each costs about twice its ciphertext (the sealed copy and the content
         * kept for the answer) plus a fixed overhead (docs/reliability.md). Keep it about an eighth
         * of the heap; a batch being written still counts until it completes.
         */
        @WithDefault("32M")
        MemorySize maxQueuedBytes();

        /**
         * Longest a send may wait in the queue for its batch to start; one that waited longer is not
         * written and answers {@code overloaded} (no number taken, so a retry with the same
         * clientMessageId is clean).
         */
        @WithDefault("PT2S")
        Duration sendBudget();
    }

    interface Socket {
        /** Browser origins allowed to open the WebSocket (no Origin header = not a browser = allowed). */
        @WithDefault("http://localhost:8080")
        List<String> allowedOrigins();

        /** Frames a connection may send per second on average. */
        @WithDefault("50")
        int framesPerSecond();

        /** Frames a connection may send in a burst. */
        @WithDefault("100")
        int frameBurst();

        /** Rate-limited frames tolerated before the socket is closed with 1008. */
        @WithDefault("20")
        int floodStrikes();

        /**
         * A socket from which nothing (no frame, no pong to the server's pings) has arrived for this
         * long is closed: its peer is gone. Keep it a few ping intervals.
         */
        @WithDefault("PT90S")
        Duration reapAfter();

        /** Typing events a connection may send per 10 seconds; more are dropped. */
        @WithDefault("10")
        int typingPer10Seconds();

        /**
         * Bytes of frames the server may have handed to one socket and not yet written to the OS
         * (fan-out, replies, sync answers). A send that would pass it closes the socket with 1008
         * {@code slow_consumer} instead: its client reconnects and syncs. Keep it above
         * {@link #syncPageBytes()}.
         */
        @WithDefault("1048576")
        int outboundBudget();

        /**
         * Frames of one socket that may be in flight (arrived, not yet answered; handled one at a
         * time, in order). One more is refused at once with {@code error} {@code busy}: at most this
         * many frames of 64 KiB wait in memory per socket. Not a flood strike: when the server is
         * slow, honest clients meet it too (only the frame rate is the client's to keep).
         */
        @WithDefault("16")
        int maxInFlight();

        /**
         * How long a frame may wait in its socket's line before it is handled: one that waited longer
         * is answered {@code error} {@code overloaded} (retry later) without being handled, so what a
         * replica accepts under overload is answered promptly and the rest is refused, not queued.
         */
        @WithDefault("PT0.5S")
        Duration waitBudget();

        /** {@code user:status} events a connection may send per 10 seconds; more get {@code rate_limited}. */
        @WithDefault("5")
        int statusPer10Seconds();

        /** {@code sync} requests a connection may send per 10 seconds on average; more get {@code rate_limited}. */
        @WithDefault("5")
        int syncPer10Seconds();

        /** {@code sync} requests a connection may send in a burst (a reconnect pages through several at once). */
        @WithDefault("10")
        int syncBurst();

        /** {@code message:read} events a connection may send per second (also the burst); more get {@code rate_limited}. */
        @WithDefault("20")
        int readsPerSecond();

        /**
         * Sockets one user may have open on this replica; one more is refused at the upgrade with
         * 429 (or, when two opens race, closed right after it with 1008 {@code too_many_sockets}).
         */
        @WithDefault("10")
        int maxSocketsPerUser();

        /**
         * Most bytes of message JSON in one {@code sync:result}: the page stops before the message
         * that would pass it (always at least one), {@code more} is true and the client asks again.
         */
        @WithDefault("262144")
        int syncPageBytes();
    }

    interface Presence {
        /**
         * Announcement tasks (statuses, renewals, dead replicas' users) one presence lane may hold
         * waiting; past it they are dropped and counted (the next status, renewal or cleanup puts
         * things right). A user's pending statuses coalesce into one task, and so do the opens and
         * closes of their sockets, which are never dropped.
         */
        @WithDefault("10000")
        int laneCapacity();
    }

    interface Crypto {
        /** Key id that encrypts new content; may be omitted with exactly one key. */
        Optional<String> activeKey();

        /** Key id -> base64 of 32 random bytes (AES-256). From a Secret in production. */
        Map<String, String> keys();

        /** With no key configured, generate one into {@link #generatedDir()} (dev and local only). */
        @WithDefault("false")
        boolean generateIfMissing();

        @WithDefault(".data/chat")
        String generatedDir();
    }

    interface Redis {
        /** Fan-out and presence between replicas through Redis (needs quarkus.redis.hosts). */
        @WithDefault("false")
        boolean enabled();

        @WithDefault("parley")
        String prefix();

        /**
         * First pause before the relay tries to reconnect its subscription connection after losing
         * it; each failed attempt doubles the ceiling up to {@link #reconnectMaxDelay()}, and the
         * pause is drawn at random below that ceiling (full jitter: replicas do not retry in step).
         */
        @WithDefault("PT0.1S")
        Duration reconnectInitialDelay();

        /** Ceiling of the relay's reconnect pause; it retries for ever at most this far apart. */
        @WithDefault("PT5S")
        Duration reconnectMaxDelay();

        /**
         * Bytes of event frames the replica relay may have handed to its publishing connection to
         * Redis and not yet had acknowledged (Redis slow or stalled). Past it, an event is not
         * relayed to other replicas: its recipients there are told, in a notice a second later, to
         * reconnect and sync (1012 {@code relay_restored}); local delivery is unaffected. At most
         * 1024 such frames wait whatever their size.
         */
        @WithDefault("4M")
        MemorySize maxPublishBytes();

        /**
         * How long a replica's presence lease on a user (and its heartbeat) lasts unless renewed.
         * Renewed every third of it; a replica that stopped renewing is cleaned up by another one,
         * so a killed replica's users go offline within about 1.3 leases.
         */
        @WithDefault("PT15S")
        Duration presenceLease();
    }

    interface Store {
        /**
         * After a batch failed because the store is unreachable, sends are refused at once with
         * {@code store_unavailable} for this long; the first batch after it re-tests the store.
         * Also the {@code Retry-After} of that answer (rounded up to whole seconds).
         */
        @WithDefault("PT1S")
        Duration probeInterval();

        /** How long readiness waits for the store's answer to a ping before it reports DOWN. */
        @WithDefault("PT0.5S")
        Duration pingTimeout();

        /** How long readiness reuses a ping's answer, so frequent probes do not hammer the store. */
        @WithDefault("PT1.5S")
        Duration pingCacheFor();

        /** How long start-up waits for the store to answer before it fails (and the pod restarts). */
        @WithDefault("PT60S")
        Duration startUpWait();
    }
}
