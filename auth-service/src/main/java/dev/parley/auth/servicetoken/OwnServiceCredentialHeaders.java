package dev.parley.auth.servicetoken;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.MultivaluedMap;

import org.eclipse.microprofile.rest.client.ext.ClientHeadersFactory;

import dev.parley.auth.token.AccessTokenIssuer;

/**
 * auth-service's own service credential on every call of a REST client that registers this
 * factory. Other services exchange a secret for theirs ({@code ServiceCredentialHeaders} in
 * service-support); auth-service is the issuer, so it mints the token itself, fresh for each call.
 */
@ApplicationScoped
public class OwnServiceCredentialHeaders implements ClientHeadersFactory {

    private static final String SERVICE_NAME = "auth-service";

    private final AccessTokenIssuer tokens;

    public OwnServiceCredentialHeaders(AccessTokenIssuer tokens) {
        this.tokens = tokens;
    }

    @Override
    public MultivaluedMap<String, String> update(MultivaluedMap<String, String> incoming,
            MultivaluedMap<String, String> outgoing) {
        MultivaluedMap<String, String> headers = new MultivaluedHashMap<>();
        headers.putSingle(HttpHeaders.AUTHORIZATION, "Bearer " + tokens.forService(SERVICE_NAME));
        return headers;
    }
}
