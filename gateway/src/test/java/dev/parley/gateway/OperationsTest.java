package dev.parley.gateway;

import static dev.parley.gateway.Client.asAlice;
import static dev.parley.gateway.Client.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import org.junit.jupiter.api.Test;

import dev.parley.testsupport.TestJwksResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** What operators rely on: health that reflects the upstreams, and per-route metrics. */
@QuarkusTest
@WithTestResource(StandInUpstreams.class)
@WithTestResource(TestJwksResource.class)
class OperationsTest {

    @Test
    void readinessReportsEveryUpstreamUp() {
        given().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.find { it.name == 'upstreams' }.data.'auth-service'", equalTo("UP"))
                .body("checks.find { it.name == 'upstreams' }.data.'user-service'", equalTo("UP"))
                .body("checks.find { it.name == 'upstreams' }.data.'chat-service'", equalTo("UP"));
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void requestsAreCountedPerRouteAndStatus() {
        asAlice().get("/user/me").then().statusCode(200);
        given().get("/chat/c1").then().statusCode(401);
        given().get("/nope").then().statusCode(404);
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("parley_gateway_requests_seconds_count{route=\"user\",status=\"200\"}"))
                .body(containsString("parley_gateway_requests_seconds_count{route=\"other\",status=\"404\"}"))
                .body(containsString("parley_gateway_requests_seconds_bucket{route=\"user\",status=\"200\",le=\"0.05\"}"));
    }
}
