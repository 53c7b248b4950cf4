package dev.parley.chat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import dev.parley.testsupport.StandInServer;

/**
 * auth-service's token exchange and user-service's internal API, stood in for by one real HTTP
 * server held to both providers' committed contracts.
 */
public class PeerStandIn extends StandInServer {

    static final String SECRET = "chat-service-test-secret-0123456789";

    @Override
    protected Map<String, String> configFor(String baseUrl) {
        return Map.of("quarkus.rest-client.user-service.url", baseUrl, "parley.service.auth-url", baseUrl,
                "parley.service.secret", SECRET);
    }

    @Override
    protected List<Path> contracts() {
        return List.of(Path.of("../auth-service/openapi.yaml"), Path.of("../user-service/openapi.yaml"));
    }
}
