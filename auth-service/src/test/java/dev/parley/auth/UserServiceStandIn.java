package dev.parley.auth;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import dev.parley.testsupport.StandInServer;

/** user-service's internal API, stood in for by a real HTTP server held to user-service's contract. */
public class UserServiceStandIn extends StandInServer {

    @Override
    protected Map<String, String> configFor(String baseUrl) {
        return Map.of("quarkus.rest-client.user-service.url", baseUrl);
    }

    @Override
    protected List<Path> contracts() {
        return List.of(Path.of("../user-service/openapi.yaml"));
    }
}
