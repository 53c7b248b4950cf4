package dev.parley.gateway.routing;

import java.net.URI;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.parley.gateway.GatewayConfig;
import io.quarkus.runtime.Startup;
import io.smallrye.faulttolerance.api.Guard;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.net.SocketAddress;

/**
 * Every configured instance of every upstream, taken in round-robin turns, each behind its own
 * circuit breaker, and the one HTTP client (connection pools) used to reach them.
 *
 * <p>The breaker is SmallRye Fault Tolerance's programmatic {@link Guard} (the fault-tolerance
 * extension the services already use) rather than a hand-written one: it counts failed
 * connections and response time-outs; once half of the last calls to an instance failed it
 * refuses calls to it for a while, so a dead or hanging instance costs a client nothing while
 * the others take its turns.
 */
@Startup // a misconfigured upstream stops the gateway from starting
@ApplicationScoped
public class UpstreamInstances {

    private static final Logger LOG = Logger.getLogger(UpstreamInstances.class);
    /** The largest frame chat-service sends: its Vert.x default, which it does not change. */
    static final int CHAT_FRAME_BYTES = 65536;

    private final HttpClient client;
    private final WebSocketClient tunnels;
    private final GatewayConfig.Upstreams config;
    private final Map<Upstream, List<Instance>> instances = new EnumMap<>(Upstream.class);
    private final Map<Upstream, AtomicInteger> turns = new EnumMap<>(Upstream.class);

    public UpstreamInstances(Vertx vertx, GatewayConfig config) {
        this.config = config.upstreams();
        this.client = vertx.createHttpClient(new HttpClientOptions()
                .setConnectTimeout((int) this.config.connectTimeout().toMillis())
                .setMaxPoolSize(this.config.maxConnections())
                .setKeepAlive(true));
        this.tunnels = vertx.createWebSocketClient(new WebSocketClientOptions()
                .setConnectTimeout((int) this.config.connectTimeout().toMillis())
                .setMaxConnections(this.config.maxWebsockets())
                // chat-service's Vert.x sends frames of at most 64 KiB (a longer message is split)
                .setMaxFrameSize(CHAT_FRAME_BYTES)
                // never offered (M7): see WebSocketServerOptions for why the gateway has no compression
                .setTryUsePerMessageCompression(false)
                .setTryUsePerFrameCompression(false));
        for (Upstream upstream : Upstream.values()) {
            List<Instance> list = new ArrayList<>();
            for (String base : upstream.configured(this.config)) {
                list.add(Instance.of(upstream, base.trim(), breaker(upstream, base.trim(), config.breaker())));
            }
            if (list.isEmpty()) {
                throw new IllegalArgumentException("parley.gateway.upstreams." + upstream.route + " lists no instance");
            }
            instances.put(upstream, List.copyOf(list));
            turns.put(upstream, new AtomicInteger());
        }
    }

    /** All instances of an upstream, starting with the one whose turn it is. */
    public List<Instance> rotation(Upstream upstream) {
        List<Instance> all = instances.get(upstream);
        int first = Math.floorMod(turns.get(upstream).getAndIncrement(), all.size());
        List<Instance> order = new ArrayList<>(all.size());
        for (int i = 0; i < all.size(); i++) {
            order.add(all.get((first + i) % all.size()));
        }
        return order;
    }

    public List<Instance> all(Upstream upstream) {
        return instances.get(upstream);
    }

    public HttpClient client() {
        return client;
    }

    /** The client WebSocket tunnels use: one long-lived connection each, never taken from the HTTP pool. */
    public WebSocketClient tunnelClient() {
        return tunnels;
    }

    /**
     * A WebSocket upgrade to this instance, bounded by the connect time-out and, for the handshake
     * itself, the response time-out; frames afterwards are not bounded by either.
     */
    public WebSocketConnectOptions webSocketOptions(Instance instance) {
        return new WebSocketConnectOptions()
                .setHost(instance.base().getHost())
                .setPort(instance.address().port())
                .setSsl("https".equals(instance.base().getScheme()))
                .setConnectTimeout(config.connectTimeout().toMillis())
                .setTimeout(config.responseTimeout().toMillis());
    }

    /** A request to this instance, bounded by the configured connect and response time-outs. */
    public RequestOptions options(Instance instance) {
        return new RequestOptions()
                .setServer(instance.address())
                .setHost(instance.base().getHost())
                .setPort(instance.address().port())
                .setSsl("https".equals(instance.base().getScheme()))
                .setConnectTimeout(config.connectTimeout().toMillis())
                .setIdleTimeout(config.responseTimeout().toMillis());
    }

    @PreDestroy
    void close() {
        client.close();
        tunnels.close();
    }

    private static Guard breaker(Upstream upstream, String base, GatewayConfig.Breaker config) {
        return Guard.create()
                .withDescription(upstream.service + " " + base)
                .withCircuitBreaker()
                .requestVolumeThreshold(config.requestVolumeThreshold())
                .failureRatio(config.failureRatio())
                .delay(config.delay().toMillis(), ChronoUnit.MILLIS)
                .onStateChange(state -> LOG.infof("circuit breaker of %s %s is now %s", upstream.service, base, state))
                .done()
                .withThreadOffload(false)
                .build();
    }

    /** One instance of an upstream service. */
    public record Instance(Upstream upstream, URI base, SocketAddress address, Guard breaker) {

        static Instance of(Upstream upstream, String url, Guard breaker) {
            URI base = URI.create(url);
            if (!("http".equals(base.getScheme()) || "https".equals(base.getScheme())) || base.getHost() == null) {
                throw new IllegalArgumentException("parley.gateway.upstreams." + upstream.route
                        + " needs base URLs like http://host:port, not " + url);
            }
            int port = base.getPort() != -1 ? base.getPort() : ("https".equals(base.getScheme()) ? 443 : 80);
            return new Instance(upstream, base, SocketAddress.inetSocketAddress(port, base.getHost()), breaker);
        }

        /**
         * Runs an upstream call through this instance's breaker. An open breaker fails the call
         * at once with {@code CircuitBreakerOpenException}, without calling.
         */
        @SuppressWarnings("unchecked")
        public <T> Future<T> call(Supplier<Future<T>> action) {
            Context context = Vertx.currentContext();
            CompletionStage<T> stage;
            try {
                stage = breaker.get(() -> action.get().toCompletionStage(), CompletionStage.class);
            } catch (RuntimeException e) {
                return Future.failedFuture(e);
            }
            return context == null ? Future.fromCompletionStage(stage) : Future.fromCompletionStage(stage, context);
        }

        @Override
        public String toString() {
            return upstream.service + " " + base;
        }
    }
}
