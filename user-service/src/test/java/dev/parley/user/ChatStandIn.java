package dev.parley.user;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import dev.parley.testsupport.StandInServer;

/**
 * auth-service's token exchange and chat-service's internal API, stood in for by one real HTTP
 * server held to both providers' contracts.
 */
public class ChatStandIn extends StandInServer {

    @Override
    protected Map<String, String> configFor(String baseUrl) {
        return Map.of("quarkus.rest-client.chat-service.url", baseUrl, "parley.service.auth-url", baseUrl,
                "parley.service.secret", "user-service-test-secret-0123456789");
    }

    @Override
    protected List<Path> contracts() {
        return List.of(Path.of("../auth-service/openapi.yaml"), Path.of("../chat-service/openapi.yaml"));
    }
}
