package dev.parley.gateway;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** gateway settings ({@code parley.gateway.*}); defaults are the local-stack values. */
@ConfigMapping(prefix = "parley.gateway")
public interface GatewayConfig {

    Upstreams upstreams();

    Breaker breaker();

    BodyLimits maxBodySize();

    Cors cors();

    RateLimits rateLimit();

    /**
     * Peers whose {@code X-Forwarded-For} is believed (IP addresses or CIDRs, e.g. the ingress
     * controller's pod range {@code 10.244.0.0/16}); none by default, and then the TCP peer is the
     * client. From a trusted peer the client is the rightmost hop that is not itself trusted
     * (see {@code edge.TrustedProxies}).
     */
    Optional<List<String>> trustedProxies();

    Redis redis();

    WebSession webSession();

    WebSockets websocket();

    /** Where requests go. Each service is a comma-separated list of base URLs, balanced round-robin. */
    interface Upstreams {
        @WithDefault("http://localhost:8081")
        List<String> auth();

        @WithDefault("http://localhost:8082")
        List<String> user();

        @WithDefault("http://localhost:8083")
        List<String> chat();

        /** Time to open a connection to an instance (or get one from the pool). */
        @WithDefault("PT1S")
        Duration connectTimeout();

        /** Time from sending a request until the response head arrives; WebSocket frames are not bounded by it. */
        @WithDefault("PT15S")
        Duration responseTimeout();

        /** Open connections per instance for HTTP requests (a pool: connections are reused). */
        @WithDefault("200")
        int maxConnections();

        /**
         * WebSockets tunnelled to one chat-service instance. Each holds its own upstream connection for
         * its whole life, so they have a client and a limit of their own, apart from the HTTP pool.
         * An upgrade beyond it waits for a free connection for up to {@link #connectTimeout()}.
         */
        @WithDefault("50000")
        int maxWebsockets();

        /** Budget of a health probe of one instance ({@code upstreams} group), and of the key-set fetch of readiness. */
        @WithDefault("PT1S")
        Duration probeTimeout();
    }

    /**
     * The largest request body each service takes: keep each equal to that service's
     * {@code quarkus.http.limits.max-body-size}. The gateway refuses a bigger body itself with a 413
     * problem instead of forwarding it to be refused half-sent; {@code quarkus.http.limits.max-body-size}
     * of the gateway caps them all.
     */
    interface BodyLimits {
        @WithDefault("16K")
        MemorySize auth();

        @WithDefault("16K")
        MemorySize user();

        @WithDefault("64K")
        MemorySize chat();
    }

    /** One circuit breaker per upstream instance (SmallRye Fault Tolerance). */
    interface Breaker {
        /** Calls in the rolling window the failure ratio is computed over. */
        @WithDefault("10")
        int requestVolumeThreshold();

        @WithDefault("0.5")
        double failureRatio();

        /** How long an open breaker refuses before it lets a trial call through. */
        @WithDefault("PT5S")
        Duration delay();
    }

    interface Cors {
        /** Browser origins allowed to call the API and open the WebSocket, e.g. {@code https://app.parley.dev}. */
        Optional<List<String>> origins();
    }

    /**
     * "N per period, burst B": at most B back to back, and N per period over time (see
     * {@code ratelimit.RateLimiter}). Sign-in, registration and refresh are per client address (an
     * IPv6 /64), shared by every replica through Redis when {@code parley.gateway.redis.enabled};
     * the rest is per user, per replica.
     */
    interface RateLimits {
        /**
         * {@code POST /auth/login} per client address. A ceiling against floods (each login is a
         * bcrypt in auth-service), high enough for a carrier-grade NAT: thousands of people behind
         * one address, 200 of them at the same moment, then 10 a second. Guessing one account's
         * password is limited by auth-service per account, not here.
         */
        @WithDefault("600")
        long signInRequests();

        @WithDefault("PT1M")
        Duration signInPeriod();

        @WithDefault("200")
        long signInBurst();

        /**
         * {@code POST /auth/register} per client address: a class or a conference (200 people)
         * may sign up at once from one address, after which one account per 12 s per address.
         */
        @WithDefault("300")
        long registerRequests();

        @WithDefault("PT1H")
        Duration registerPeriod();

        @WithDefault("200")
        long registerBurst();

        /**
         * {@code POST /auth/refresh} per client address, a budget of its own so that sign-ins never
         * starve refreshes (review M6). Generous: 30 per second is every session of some 27,000
         * people behind one address refreshing its 15-minute token.
         */
        @WithDefault("1800")
        long refreshRequests();

        @WithDefault("PT1M")
        Duration refreshPeriod();

        @WithDefault("300")
        long refreshBurst();

        /** Per user (JWT {@code sub}) everywhere else, per replica; per client address for anonymous calls there. */
        @WithDefault("50")
        long userRequests();

        @WithDefault("PT1S")
        Duration userPeriod();

        @WithDefault("100")
        long userBurst();

        /** Upper bound on clients remembered in memory per limit; the least recently seen are forgotten first. */
        @WithDefault("100000")
        long maxClients();
    }

    /** Redis for the limits every replica shares (sign-in, registration, refresh). */
    interface Redis {
        /** Share those limits through Redis (needs {@code quarkus.redis.hosts}); off: each replica counts alone. */
        @WithDefault("false")
        boolean enabled();

        /** Start of every key the gateway writes, {@code <prefix>:rate:<limit>:<client>}. */
        @WithDefault("parley:gateway")
        String prefix();

        /**
         * How long a limit check waits for Redis. Past it (or on any Redis error) this request is
         * counted in this replica's own buckets instead, and so is every request for
         * {@link #retryAfter()}.
         */
        @WithDefault("PT0.1S")
        Duration timeout();

        /** After a failed or slow Redis call, how long the replica counts alone before it tries Redis again. */
        @WithDefault("PT5S")
        Duration retryAfter();
    }

    /** The web client's session: its refresh token in a cookie the gateway keeps (see BrowserSession). */
    interface WebSession {
        /**
         * Lifetime of the refresh cookie. auth-service decides whether the token in it is still
         * good (30 days from sign-in at most); this only says how long the browser keeps it.
         */
        @WithDefault("P30D")
        Duration cookieMaxAge();
    }

    /** The WebSocket tunnel ({@code /ws}, see WebSocketTunnel). */
    interface WebSockets {
        /**
         * Largest message a client may send, in one frame or spread over continuation frames. A
         * larger one closes the client's socket with 1009 {@code message_too_big}, and the
         * chat-service side with it. Keep it equal to chat-service's
         * {@code quarkus.websockets-next.server.max-message-size}.
         */
        @WithDefault("64K")
        MemorySize maxMessageSize();

        /**
         * Bytes the gateway queues for one side of one socket. When the queue is this full the
         * gateway stops reading the other side until it has drained by half, so TCP pushes back on
         * the sender: a client that does not read slows chat-service's writes to it, never the
         * gateway's memory.
         */
        @WithDefault("256K")
        MemorySize writeQueueMaxSize();

        /**
         * Open sockets one user (the token's {@code sub}) may hold at this gateway instance. One more
         * is refused with 429 {@code too_many_sockets} before chat-service is contacted; a closed
         * socket frees its slot.
         */
        @WithDefault("10")
        int maxSocketsPerUser();
    }
}
