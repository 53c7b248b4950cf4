package dev.parley.support.internal;

import java.net.URI;
import java.time.Instant;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;

/**
 * This service's credential for calling other services' internal endpoints: exchanged at
 * auth-service ({@code POST /internal/service-token}) for a short-lived JWT with role
 * {@code service}, cached, and renewed a minute before it expires. Blocking: call it from a worker
 * thread. See docs/security.md for how secrets are issued and rotated.
 */
@ApplicationScoped
public class ServiceCredential {

    /** auth-service's exchange endpoint. */
    @Path("/internal/service-token")
    public interface Exchange {
        record Request(String service, String secret) {
        }

        record Token(String accessToken, String tokenType, long expiresIn) {
        }

        @POST
        @Consumes(MediaType.APPLICATION_JSON)
        @Produces(MediaType.APPLICATION_JSON)
        Token exchange(Request request);
    }

    private final String service;
    private final Optional<String> secret;
    private final URI authUrl;
    private Exchange exchange;
    private String token;
    private Instant renewAt = Instant.MIN;

    public ServiceCredential(@ConfigProperty(name = "quarkus.application.name") String service,
            @ConfigProperty(name = "parley.service.secret") Optional<String> secret,
            @ConfigProperty(name = "parley.service.auth-url", defaultValue = "http://localhost:8081") URI authUrl) {
        this.service = service;
        this.secret = secret;
        this.authUrl = authUrl;
    }

    /** {@code "Bearer <token>"}, fetched or renewed when needed. */
    public synchronized String authorization() {
        if (Instant.now().isAfter(renewAt)) {
            if (secret.isEmpty() || secret.get().isBlank()) {
                throw new IllegalStateException("parley.service.secret is not set: " + service + " cannot call internal APIs");
            }
            if (exchange == null) {
                exchange = QuarkusRestClientBuilder.newBuilder().baseUri(authUrl).build(Exchange.class);
            }
            Exchange.Token fresh = exchange.exchange(new Exchange.Request(service, secret.get()));
            token = fresh.accessToken();
            renewAt = Instant.now().plusSeconds(Math.max(0, fresh.expiresIn() - 60));
        }
        return "Bearer " + token;
    }
}
