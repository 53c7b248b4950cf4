package dev.parley.auth;

import java.util.Map;

import dev.parley.testsupport.StandInServer;

/** user-service's internal API, stood in for by a real HTTP server. */
public class UserServiceStandIn extends StandInServer {

    @Override
    protected Map<String, String> configFor(String baseUrl) {
        return Map.of("quarkus.rest-client.user-service.url", baseUrl);
    }
}
