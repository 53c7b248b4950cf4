package dev.parley.gateway.health;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import dev.parley.gateway.GatewayConfig;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The gateway's readiness (review M4): about the gateway itself, never about whether the services
 * behind it are up (that is the {@code upstreams} group, {@link UpstreamHealth}). The one thing it
 * needs from outside to serve is auth-service's key set, so a gateway is ready once that has
 * answered with keys at least once since start; from then on it stays ready, auth-service or not,
 * because the verifier keeps the keys it has through an outage
 * ({@code smallrye.jwt.jwks.retain-cache-on-error-duration}, review M3).
 *
 * <p>So a gateway pod started while auth-service is down stays out of the Service (it could only
 * answer 401 to every signed-in caller) while the pods that already have the keys carry on.
 * Keys read from a file (the tests) need no fetch: ready at once.
 */
@Readiness
@ApplicationScoped
public class KeySetReadiness implements AsyncHealthCheck {

    static final String NAME = "key-set";

    private final Optional<String> location;
    private final long timeoutMillis;
    private final HttpClient client;
    private final AtomicBoolean fetched = new AtomicBoolean();

    public KeySetReadiness(Vertx vertx, GatewayConfig config,
            @ConfigProperty(name = "mp.jwt.verify.publickey.location") Optional<String> location) {
        this.location = location.filter(url -> url.startsWith("http://") || url.startsWith("https://"));
        this.timeoutMillis = config.upstreams().probeTimeout().toMillis();
        this.client = vertx.createHttpClient();
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        if (location.isEmpty()) {
            return Uni.createFrom().item(HealthCheckResponse.named(NAME).up().withData("keys", "configured").build());
        }
        if (fetched.get()) {
            return Uni.createFrom().item(up());
        }
        return Uni.createFrom().completionStage(fetch().toCompletionStage().thenApply(keys -> {
            if (keys) {
                fetched.set(true);
                return up();
            }
            return HealthCheckResponse.named(NAME).down().withData("keys", "not fetched yet").build();
        }));
    }

    private static HealthCheckResponse up() {
        return HealthCheckResponse.named(NAME).up().withData("keys", "fetched").build();
    }

    /** True when the key set answers 200 with at least one key within the probe time-out. */
    private Future<Boolean> fetch() {
        RequestOptions options = new RequestOptions().setAbsoluteURI(location.get()).setMethod(HttpMethod.GET)
                .setConnectTimeout(timeoutMillis).setIdleTimeout(timeoutMillis);
        return client.request(options)
                .compose(request -> request.send())
                .compose(response -> response.body().map(body -> {
                    if (response.statusCode() != 200) {
                        return false;
                    }
                    JsonArray keys = new JsonObject(body).getJsonArray("keys");
                    return keys != null && !keys.isEmpty();
                }))
                .otherwise(false);
    }

    @PreDestroy
    void close() {
        client.close();
    }
}
