package dev.parley.gateway.health;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

import dev.parley.gateway.GatewayConfig;
import dev.parley.gateway.routing.Upstream;
import dev.parley.gateway.routing.UpstreamInstances;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.health.api.HealthGroup;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

/**
 * The health group {@code upstreams} ({@code /q/health/group/upstreams}), for monitoring: UP when
 * every upstream has at least one instance whose liveness endpoint answers; the data says which
 * upstreams are reachable and how many of their instances. A live probe, not the breaker's
 * opinion, so it also notices an upstream coming back before any client tried it. Instance
 * addresses stay out of the data: this endpoint is public.
 *
 * <p>Not part of readiness (review M4): a gateway with one service down still serves the others,
 * and that service's routes answer 503 {@code upstream_unavailable} at once; were the gateway
 * unready instead, Kubernetes would take every gateway pod out and the whole platform with it.
 */
@HealthGroup(UpstreamHealth.GROUP)
@ApplicationScoped
public class UpstreamHealth implements AsyncHealthCheck {

    public static final String GROUP = "upstreams";

    private final UpstreamInstances instances;
    private final long timeoutMillis;

    public UpstreamHealth(UpstreamInstances instances, GatewayConfig config) {
        this.instances = instances;
        this.timeoutMillis = config.upstreams().probeTimeout().toMillis();
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        List<Future<Boolean>> probes = new ArrayList<>();
        List<UpstreamInstances.Instance> probed = new ArrayList<>();
        for (Upstream upstream : Upstream.values()) {
            for (UpstreamInstances.Instance instance : instances.all(upstream)) {
                probed.add(instance);
                probes.add(probe(instance));
            }
        }
        return Uni.createFrom().completionStage(Future.join(probes).toCompletionStage().handle((ignored, error) -> {
            HealthCheckResponseBuilder response = HealthCheckResponse.named("upstreams").up();
            for (Upstream upstream : Upstream.values()) {
                int total = 0;
                int up = 0;
                for (int i = 0; i < probed.size(); i++) {
                    if (probed.get(i).upstream() == upstream) {
                        total++;
                        up += Boolean.TRUE.equals(probes.get(i).result()) ? 1 : 0;
                    }
                }
                response.withData(upstream.service(), up > 0 ? "UP" : "DOWN");
                response.withData(upstream.service() + " instances up", up + "/" + total);
                if (up == 0) {
                    response.down();
                }
            }
            return response.build();
        }));
    }

    /** True when the instance's {@code /q/health/live} answers 200 within the probe time-out. */
    private Future<Boolean> probe(UpstreamInstances.Instance instance) {
        RequestOptions options = instances.options(instance)
                .setMethod(HttpMethod.GET)
                .setURI("/q/health/live")
                .setConnectTimeout(timeoutMillis)
                .setIdleTimeout(timeoutMillis);
        return instances.client().request(options)
                .compose(request -> request.send())
                .compose(response -> response.body().map(body -> response.statusCode() == 200))
                .otherwise(false);
    }
}
