package dev.parley.gateway.ratelimit;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

import org.jboss.logging.Logger;

import dev.parley.gateway.GatewayConfig;
import dev.parley.gateway.GatewayProblems;
import dev.parley.gateway.edge.ClientAddress;
import dev.parley.gateway.security.CallerId;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import io.vertx.redis.client.Redis;

/**
 * The budget each request draws on, by what it protects (issue 15, review M6):
 * <ul>
 * <li>{@code POST /auth/login} per client address: a flood ceiling that a carrier-grade NAT stays
 * under; one account's password guessing is auth-service's to limit ({@code SignInThrottle}).</li>
 * <li>{@code POST /auth/register} per client address: sign-ups a crowd behind one address makes at
 * once, then few.</li>
 * <li>{@code POST /auth/refresh} per client address, in a budget of its own and a generous one.
 * Not per refresh-token family: the gateway cannot see the family, and a key made from the
 * presented token is one the client chooses (each token is single-use, and a made-up one is as
 * good a key as a real one), so it would bound nothing and let anyone fill the key space.</li>
 * <li>everything else per user (the token's {@code sub}), or per client address when anonymous.</li>
 * </ul>
 * A client address is an IPv4 address or an IPv6 /64 ({@link ClientAddress#network()}).
 *
 * <p>The three sign-in budgets are shared by every replica through Redis when
 * {@code parley.gateway.redis.enabled} ({@link SharedBuckets}, which falls back to this replica's
 * own buckets while Redis is away); otherwise, and always for the per-user budget, each replica
 * counts alone ({@link LocalBuckets}). The per-user budget stays per replica on purpose: it is
 * checked on every API request, where a Redis round trip would cost more than the limit saves,
 * and it protects each replica's own share of the upstreams' capacity (a client's kept-alive
 * connection stays on one replica anyway).
 */
@Startup // impossible limits stop the gateway from starting
@ApplicationScoped
public class RateLimiter {

    private static final Logger LOG = Logger.getLogger(RateLimiter.class);

    private final Limit login;
    private final Limit register;
    private final Limit refresh;
    private final Map<String, Limit> byPath;
    private final Map<Limit, LocalBuckets> local;
    private final LocalBuckets user;
    private final SharedBuckets shared;
    private final GatewayProblems problems;

    public RateLimiter(GatewayConfig config, GatewayProblems problems, Instance<Redis> redis, Vertx vertx, MeterRegistry registry) {
        this.problems = problems;
        GatewayConfig.RateLimits limits = config.rateLimit();
        this.login = new Limit("login", limits.signInRequests(), limits.signInPeriod(), limits.signInBurst());
        this.register = new Limit("register", limits.registerRequests(), limits.registerPeriod(), limits.registerBurst());
        this.refresh = new Limit("refresh", limits.refreshRequests(), limits.refreshPeriod(), limits.refreshBurst());
        Limit perUser = new Limit("user", limits.userRequests(), limits.userPeriod(), limits.userBurst());
        this.byPath = Map.of("/auth/login", login, "/auth/register", register, "/auth/refresh", refresh);
        this.local = Map.of(login, new LocalBuckets(login, limits.maxClients()),
                register, new LocalBuckets(register, limits.maxClients()),
                refresh, new LocalBuckets(refresh, limits.maxClients()));
        this.user = new LocalBuckets(perUser, limits.maxClients());
        GatewayConfig.Redis sharing = config.redis();
        this.shared = sharing.enabled()
                ? new SharedBuckets(redis.get(), vertx, sharing.prefix(), sharing.timeout(), sharing.retryAfter(), registry)
                : null;
        if (shared != null) {
            LOG.infof("Sign-in, registration and refresh limits shared through Redis (keys %s:rate:*)", sharing.prefix());
        }
    }

    /**
     * Takes one token from the budget this request draws on and, when there was one, runs
     * {@code admitted} (at once, or on the request's context once Redis has answered). When the
     * budget is spent, answers 429 with {@code Retry-After} and a problem body instead.
     */
    public void admit(RoutingContext ctx, Runnable admitted) {
        ClientAddress client = ClientAddress.of(ctx);
        Limit signIn = ctx.request().method() == HttpMethod.POST ? byPath.get(ctx.normalizedPath()) : null;
        if (signIn == null) {
            String userId = CallerId.of(ctx);
            decide(ctx, user.acquire(userId == null ? "ip:" + client.network() : "user:" + userId), admitted);
        } else if (shared == null) {
            decide(ctx, local.get(signIn).acquire(client.network()), admitted);
        } else {
            shared.acquire(signIn, client.network(), local.get(signIn)).onComplete(wait -> {
                try {
                    decide(ctx, wait.result(), admitted);
                } catch (RuntimeException e) {
                    ctx.fail(e); // as a synchronous handler's exception would: a problem body, never a hung request
                }
            });
        }
    }

    private void decide(RoutingContext ctx, long waitSeconds, Runnable admitted) {
        if (waitSeconds == 0) {
            admitted.run();
            return;
        }
        ctx.response().putHeader(HttpHeaders.RETRY_AFTER, Long.toString(waitSeconds));
        problems.send(ctx, GatewayProblems.rateLimited());
    }

    /** A wait as whole seconds for {@code Retry-After}, rounded up, at least 1. */
    static long seconds(long amount, TimeUnit unit) {
        long nanos = unit.toNanos(amount);
        return Math.max(1, TimeUnit.NANOSECONDS.toSeconds(nanos + 999_999_999L));
    }
}
