package dev.parley.gateway;

import static dev.parley.gateway.Client.asAlice;
import static dev.parley.gateway.Client.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
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

/** chat-service configured at a closed port: its REST routes and the WebSocket upgrade are 503 problems, the rest works. */
@QuarkusTest
@WithTestResource(value = StandInUpstreams.class, initArgs = @ResourceArg(name = "down", value = "chat"))
@WithTestResource(TestJwksResource.class)
class ChatServiceDownTest {

    @TestHTTPResource("/")
    URI gateway;

    @Test
    void chatRoutesAre503ProblemsWhileUserServiceStillAnswers() {
        asAlice().contentType("application/json").body("{}").post("/chat/message").then().statusCode(503)
                .contentType("application/problem+json").body("code", equalTo("upstream_unavailable"));
        asAlice().get("/user/me").then().statusCode(200).body("upstream", equalTo("user"));
        given().get("/q/health/ready").then().statusCode(200);
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
}
