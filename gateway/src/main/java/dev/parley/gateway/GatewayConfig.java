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

    WebSession webSession();

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

    interface RateLimits {
        /** Per client IP on {@code POST /auth/register}, {@code /auth/login} and {@code /auth/refresh}. */
        @WithDefault("10")
        long signInRequests();

        @WithDefault("PT1M")
        Duration signInPeriod();

        @WithDefault("5")
        long signInBurst();

        /** Per user (JWT {@code sub}) everywhere else; per IP for anonymous calls there. */
        @WithDefault("50")
        long userRequests();

        @WithDefault("PT1S")
        Duration userPeriod();

        @WithDefault("100")
        long userBurst();

        /** Upper bound on remembered clients; the least recently seen are forgotten first. */
        @WithDefault("100000")
        long maxClients();
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
}
