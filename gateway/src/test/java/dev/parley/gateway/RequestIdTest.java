package dev.parley.gateway;

import static dev.parley.gateway.Client.asAlice;
import static dev.parley.gateway.Client.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.parley.testsupport.TestJwksResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Every request has one id, the client's when it is sane, seen by the upstream and returned to the client. */
@QuarkusTest
@WithTestResource(StandInUpstreams.class)
@WithTestResource(TestJwksResource.class)
class RequestIdTest {

    private static final String SANE = "[A-Za-z0-9._-]{8,64}";

    StandInUpstreams.Handle upstreams;

    @BeforeEach
    void forgetEarlierRequests() {
        upstreams.clear();
    }

    @Test
    void generatedWhenAbsentAndPropagated() throws InterruptedException {
        String returned = asAlice().get("/user/me").then().statusCode(200).extract().header("X-Request-Id");
        assertTrue(returned.matches(SANE), returned);
        assertEquals(returned, upstreams.next().header("X-Request-Id"));

        String other = asAlice().get("/user/me").then().statusCode(200).extract().header("X-Request-Id");
        assertNotEquals(returned, other, "each request gets its own");
        upstreams.next();
    }

    @Test
    void keptWhenSane() throws InterruptedException {
        for (String id : List.of("abcdefgh", "client.req-0001_A", "x".repeat(64))) {
            String returned = asAlice().header("X-Request-Id", id).get("/chat/c1").then().statusCode(200)
                    .extract().header("X-Request-Id");
            assertEquals(id, returned);
            assertEquals(id, upstreams.next().header("X-Request-Id"));
        }
    }

    @Test
    void replacedWhenInsane() throws InterruptedException {
        for (String id : List.of("short", "x".repeat(65), "has spaces in it", "<script>alert(1)</script>", "ünïcödé-id",
                "a;b=c,d/e")) {
            String returned = asAlice().header("X-Request-Id", id).get("/chat/c1").then().statusCode(200)
                    .extract().header("X-Request-Id");
            assertNotEquals(id, returned);
            assertTrue(returned.matches(SANE), returned);
            assertEquals(returned, upstreams.next().header("X-Request-Id"), "the upstream gets the replacement");
        }
    }

    @Test
    void returnedOnTheGatewaysOwnAnswersToo() {
        assertEquals("client-req-404", given().header("X-Request-Id", "client-req-404").get("/nope")
                .then().statusCode(404).extract().header("X-Request-Id"));
        assertEquals("client-req-401", given().header("X-Request-Id", "client-req-401").get("/user/me")
                .then().statusCode(401).extract().header("X-Request-Id"));
    }
}
