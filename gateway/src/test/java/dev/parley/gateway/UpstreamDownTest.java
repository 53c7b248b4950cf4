package dev.parley.gateway;

import static dev.parley.gateway.Client.asAlice;
import static dev.parley.gateway.Client.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.parley.testsupport.TestJwksResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * user-service configured at a closed port (review M4): its routes are quick 503 problems, the
 * other services' routes work, and the gateway stays ready; the upstreams group says which is down.
 */
@QuarkusTest
@WithTestResource(value = StandInUpstreams.class, initArgs = @ResourceArg(name = "down", value = "user"))
@WithTestResource(TestJwksResource.class)
class UpstreamDownTest {

    @Test
    void aDownUpstreamIsAQuick503ProblemEveryTime() {
        // more calls than the breaker needs to open: before and after, the answer is the same and fast
        for (int i = 0; i < 15; i++) {
            long start = System.nanoTime();
            asAlice().get("/user/me").then().statusCode(503).contentType("application/problem+json")
                    .body("code", equalTo("upstream_unavailable"));
            asAlice().contentType("application/json").body("{\"status\":\"away\"}").put("/user/status").then().statusCode(503)
                    .body("code", equalTo("upstream_unavailable"));
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertTrue(took.compareTo(Duration.ofSeconds(3)) < 0, "took " + took);
        }
    }

    @Test
    void theOtherUpstreamsAreUnaffected() {
        asAlice().get("/user/me").then().statusCode(503);
        asAlice().get("/chat/c1").then().statusCode(200).body("upstream", equalTo("chat"));
        asAlice().contentType("application/json").body("{}").post("/chat/message").then().statusCode(200)
                .body("upstream", equalTo("chat"));
        given().contentType("application/json").body("{}").post("/auth/login").then().statusCode(200)
                .body("upstream", equalTo("auth"));
    }

    @Test
    void theGatewayStaysReadyAndTheUpstreamsGroupSaysWhichServiceIsDown() {
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/group/upstreams").then().statusCode(503)
                .body("status", equalTo("DOWN"))
                .body("checks.find { it.name == 'upstreams' }.data.'auth-service'", equalTo("UP"))
                .body("checks.find { it.name == 'upstreams' }.data.'user-service'", equalTo("DOWN"))
                .body("checks.find { it.name == 'upstreams' }.data.'chat-service'", equalTo("UP"))
                .body("checks.find { it.name == 'upstreams' }.data.'user-service instances up'", equalTo("0/1"));
    }
}
