package dev.parley.gateway;

import static dev.parley.gateway.Client.asAlice;
import static dev.parley.gateway.Client.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import org.junit.jupiter.api.Test;

import dev.parley.testsupport.TestJwksResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** What operators rely on: readiness about the gateway itself, the upstreams' health as a group of its own, per-route metrics. */
@QuarkusTest
@WithTestResource(StandInUpstreams.class)
@WithTestResource(TestJwksResource.class)
class OperationsTest {

    @Test
    void readinessIsAboutTheGatewayAndTheUpstreamsGroupReportsEveryUpstreamUp() {
        given().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", not(hasItem("upstreams")))
                .body("checks.find { it.name == 'key-set' }.status", equalTo("UP"));
        given().get("/q/health/group/upstreams").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.find { it.name == 'upstreams' }.data.'auth-service'", equalTo("UP"))
                .body("checks.find { it.name == 'upstreams' }.data.'user-service'", equalTo("UP"))
                .body("checks.find { it.name == 'upstreams' }.data.'chat-service'", equalTo("UP"))
                .body("checks.find { it.name == 'upstreams' }.data.'chat-service instances up'", equalTo("1/1"));
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
