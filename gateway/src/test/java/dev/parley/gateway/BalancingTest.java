package dev.parley.gateway;

import static dev.parley.gateway.Client.asAlice;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.parley.testsupport.TestJwksResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Several instances of a service share its requests; a dead one is skipped; a hanging one is cut off. */
@QuarkusTest
@WithTestResource(value = StandInUpstreams.class, initArgs = {
        @ResourceArg(name = "pairs", value = "user"),
        @ResourceArg(name = "half-down", value = "chat"),
        @ResourceArg(name = "response-timeout", value = "PT1S") })
@WithTestResource(TestJwksResource.class)
class BalancingTest {

    StandInUpstreams.Handle upstreams;

    @BeforeEach
    void forgetEarlierRequests() {
        upstreams.clear();
    }

    @Test
    void instancesTakeTurns() throws InterruptedException {
        List<String> served = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            asAlice().get("/user/me").then().statusCode(200);
            served.add(upstreams.next().instance());
        }
        for (int i = 1; i < served.size(); i++) {
            assertNotEquals(served.get(i - 1), served.get(i), "round-robin: " + served);
        }
        assertEquals(3, served.stream().filter("user-1"::equals).count(), served.toString());
    }

    @Test
    void aDeadInstanceIsSkippedWithoutTheClientNoticing() {
        // every other turn belongs to the instance at the closed port
        for (int i = 0; i < 12; i++) {
            asAlice().contentType("application/json").body("{}").post("/chat/message")
                    .then().statusCode(200).body("instance", equalTo("chat"));
        }
    }

    @Test
    void theUpstreamsGroupCountsReachableInstances() {
        Client.given().get("/q/health/group/upstreams").then().statusCode(200)
                .body("checks.find { it.name == 'upstreams' }.data.'user-service instances up'", equalTo("2/2"))
                .body("checks.find { it.name == 'upstreams' }.data.'chat-service'", equalTo("UP"))
                .body("checks.find { it.name == 'upstreams' }.data.'chat-service instances up'", equalTo("1/2"));
    }

    @Test
    void anUpstreamThatDoesNotAnswerIsCutOffAfterTheResponseTimeout() {
        long start = System.nanoTime();
        asAlice().get("/chat/hang").then().statusCode(503).contentType("application/problem+json")
                .body("code", equalTo("upstream_unavailable"));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertTrue(took.compareTo(Duration.ofMillis(900)) > 0 && took.compareTo(Duration.ofSeconds(5)) < 0, "took " + took);
    }
}
