package dev.parley.user;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import dev.parley.testsupport.EmbeddedMongo;
import dev.parley.testsupport.EmbeddedMongoResource;
import dev.parley.testsupport.InjectEmbeddedMongo;
import dev.parley.testsupport.TestJwksResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Readiness follows the store: traffic stops while it is gone and resumes when it is back. */
@QuarkusTest
// its own application and store: stopping the store must not affect other test classes
@WithTestResource(value = EmbeddedMongoResource.class, initArgs = @ResourceArg(name = "database", value = "users"),
        scope = TestResourceScope.RESTRICTED_TO_CLASS)
@WithTestResource(value = TestJwksResource.class, scope = TestResourceScope.RESTRICTED_TO_CLASS)
class ReadinessTest {

    private static final Duration PATIENCE = Duration.ofSeconds(10);

    @InjectEmbeddedMongo
    EmbeddedMongo store;

    @Test
    void readinessFollowsTheStore() {
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));

        store.stopServer();
        try {
            awaitReadiness(503, "DOWN");
        } finally {
            store.restartServer();
        }
        awaitReadiness(200, "UP");
    }

    /** Polls until readiness answers {@code status}, for at most {@link #PATIENCE}. */
    private static void awaitReadiness(int status, String state) {
        Instant deadline = Instant.now().plus(PATIENCE);
        int last;
        do {
            var response = given().get("/q/health/ready");
            last = response.statusCode();
            if (last == status && state.equals(response.path("status"))) {
                return;
            }
            // no pause needed: each poll is an HTTP round trip, and while the store is down the check itself waits
        } while (Instant.now().isBefore(deadline));
        fail("readiness did not become " + status + " " + state + " within " + PATIENCE + " (last: " + last + ")");
    }
}
