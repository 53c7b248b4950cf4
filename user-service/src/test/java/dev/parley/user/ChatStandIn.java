package dev.parley.user;

import java.util.Map;

import dev.parley.testsupport.StandInServer;

/** auth-service's token exchange and chat-service's internal API, stood in for by one real HTTP server. */
public class ChatStandIn extends StandInServer {

    @Override
    protected Map<String, String> configFor(String baseUrl) {
        return Map.of("quarkus.rest-client.chat-service.url", baseUrl, "parley.service.auth-url", baseUrl,
                "parley.service.secret", "user-service-test-secret-0123456789");
    }
}
