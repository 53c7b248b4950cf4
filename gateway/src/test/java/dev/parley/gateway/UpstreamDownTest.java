package dev.parley.gateway;

import static dev.parley.gateway.Client.asAlice;
import static dev.parley.gateway.Client.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.parley.testsupport.TestJwksResource;
import dev.parley.testsupport.TestTokens;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;

/** user- and chat-service configured at closed ports: fast 503 problems, the rest keeps working, readiness says which. */
@QuarkusTest
@WithTestResource(value = StandInUpstreams.class, initArgs = @ResourceArg(name = "down", value = "user,chat"))
@WithTestResource(TestJwksResource.class)
class UpstreamDownTest {

    @TestHTTPResource("/")
    URI gateway;

    @Test
    void aDownUpstreamIsAQuick503ProblemEveryTime() {
        // more calls than the breaker needs to open: before and after, the answer is the same and fast
        for (int i = 0; i < 15; i++) {
            long start = System.nanoTime();
            asAlice().get("/user/me").then().statusCode(503).contentType("application/problem+json")
                    .body("code", equalTo("upstream_unavailable"));
            asAlice().contentType("application/json").body("{}").post("/chat/message").then().statusCode(503)
                    .body("code", equalTo("upstream_unavailable"));
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertTrue(took.compareTo(Duration.ofSeconds(3)) < 0, "took " + took);
        }
    }

    @Test
    void theOtherUpstreamsAreUnaffected() {
        given().contentType("application/json").body("{}").post("/auth/login").then().statusCode(200)
                .body("upstream", equalTo("auth"));
    }

    @Test
    void aWebSocketUpgradeWhileChatServiceIsDownIsA503Problem() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            WebSocketConnectOptions options = new WebSocketConnectOptions().setHost(gateway.getHost())
                    .setPort(gateway.getPort()).setURI("/ws").setTimeout(10_000)
                    .addHeader("Authorization", "Bearer " + TestTokens.user(Client.ALICE, "alice"));
            ExecutionException failed = assertThrows(ExecutionException.class,
                    () -> vertx.createWebSocketClient().connect(options).toCompletionStage().toCompletableFuture()
                            .get(10, TimeUnit.SECONDS));
            UpgradeRejectedException rejected = assertInstanceOf(UpgradeRejectedException.class, failed.getCause());
            assertEquals(503, rejected.getStatus());
            assertEquals("upstream_unavailable", new JsonObject(rejected.getBody()).getString("code"));
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void readinessSaysWhichUpstreamsAreDown() {
        given().get("/q/health/ready").then().statusCode(503)
                .body("status", equalTo("DOWN"))
                .body("checks.find { it.name == 'upstreams' }.data.'auth-service'", equalTo("UP"))
                .body("checks.find { it.name == 'upstreams' }.data.'user-service'", equalTo("DOWN"))
                .body("checks.find { it.name == 'upstreams' }.data.'chat-service'", equalTo("DOWN"))
                .body("checks.find { it.name == 'upstreams' }.data.'user-service instances up'", equalTo("0/1"));
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    }
}
