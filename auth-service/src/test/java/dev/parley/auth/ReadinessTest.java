package dev.parley.auth;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import dev.parley.testsupport.EmbeddedMongo;
import dev.parley.testsupport.EmbeddedMongoResource;
import dev.parley.testsupport.InjectEmbeddedMongo;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Readiness follows the store: DOWN while it is unreachable, UP once it is back. */
@QuarkusTest
@WithTestResource(value = EmbeddedMongoResource.class, initArgs = @ResourceArg(name = "database", value = "auth"))
class ReadinessTest {

    @InjectEmbeddedMongo
    EmbeddedMongo store;

    @Test
    void readinessReportsTheStore() {
        assertEquals(200, readyStatus());
        if (!store.isEmbedded()) {
            return; // a real MongoDB from PARLEY_TEST_MONGO_URI is not ours to stop
        }
        store.stopServer();
        try {
            assertEquals(503, awaitReadyStatus(503));
        } finally {
            store.restartServer();
        }
        assertEquals(200, awaitReadyStatus(200));
        assertEquals(200, given().get("/q/health/live").statusCode(), "liveness does not depend on the store");
    }

    private static int readyStatus() {
        return given().get("/q/health/ready").statusCode();
    }

    /** Polls until the wanted status or 20 s; returns the last status seen. */
    private static int awaitReadyStatus(int wanted) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        int status = readyStatus();
        while (status != wanted && Instant.now().isBefore(deadline)) {
            status = readyStatus();
        }
        return status;
    }
}
