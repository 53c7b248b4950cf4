package dev.parley.support.internal;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.MultivaluedMap;

import org.eclipse.microprofile.rest.client.ext.ClientHeadersFactory;

/**
 * Puts this service's {@link ServiceCredential} on every call of a REST client that registers it
 * ({@code @RegisterClientHeaders(ServiceCredentialHeaders.class)}), so client interfaces carry no
 * Authorization parameter. Blocking on the first call and on renewal, like the credential.
 */
@ApplicationScoped
public class ServiceCredentialHeaders implements ClientHeadersFactory {

    private final ServiceCredential credential;

    public ServiceCredentialHeaders(ServiceCredential credential) {
        this.credential = credential;
    }

    @Override
    public MultivaluedMap<String, String> update(MultivaluedMap<String, String> incoming,
            MultivaluedMap<String, String> outgoing) {
        MultivaluedMap<String, String> headers = new MultivaluedHashMap<>();
        headers.putSingle(HttpHeaders.AUTHORIZATION, credential.authorization());
        return headers;
    }
}
