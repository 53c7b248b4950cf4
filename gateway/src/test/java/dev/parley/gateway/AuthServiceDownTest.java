package dev.parley.gateway;

import static dev.parley.gateway.Client.asAlice;
import static dev.parley.gateway.Client.given;
import static org.hamcrest.Matchers.equalTo;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * auth-service down from the start, and with it the key set (as in production): the gateway has no
 * keys to verify with, so it is not ready (Kubernetes keeps it out of the Service while the pods
 * that have the keys serve); sign-in routes are 503 problems.
 */
@QuarkusTest
@WithTestResource(value = StandInUpstreams.class, initArgs = {
        @ResourceArg(name = "down", value = "auth"),
        @ResourceArg(name = "keys-from-auth", value = "true") })
class AuthServiceDownTest {

    @Test
    void aGatewayThatNeverGotTheKeySetIsNotReadyButAlive() {
        given().get("/q/health/ready").then().statusCode(503)
                .body("status", equalTo("DOWN"))
                .body("checks.find { it.name == 'key-set' }.status", equalTo("DOWN"));
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/group/upstreams").then().statusCode(503)
                .body("checks.find { it.name == 'upstreams' }.data.'auth-service'", equalTo("DOWN"));
    }

    @Test
    void signInRoutesAre503ProblemsAndProtectedRoutesCannotVerifyTokens() {
        for (String path : new String[] { "/auth/refresh", "/auth/login" }) {
            given().contentType("application/json").body("{\"refreshToken\":\"r\"}").post(path)
                    .then().statusCode(503).contentType("application/problem+json")
                    .body("code", equalTo("upstream_unavailable"));
        }
        asAlice().get("/chat/c1").then().statusCode(401).contentType("application/problem+json")
                .body("code", equalTo("unauthorized"));
    }
}
