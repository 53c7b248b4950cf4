package dev.parley.chat;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.parley.testsupport.TestJwksResource;
import dev.parley.testsupport.TestSocket;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/**
 * When the store goes away, chat-service says so at once and honestly: sends and reads answer 503
 * {@code store_unavailable} with Retry-After within a second, a socket's send gets an error event,
 * readiness is DOWN and liveness UP; once the store is back everything works again without a restart.
 */
@QuarkusTest
@WithTestResource(PrivateStoreResource.class)
@WithTestResource(TestJwksResource.class)
class StoreOutageTest {

    /** The promise is one second; the bound leaves room for a busy 2-core machine. */
    private static final long PROMPT_MILLIS = 1500;
    private static final Duration DEADLINE = Duration.ofSeconds(15);

    @TestHTTPResource("/ws")
    URI ws;

    @Inject
    Vertx vertx;

    PrivateStore store;

    @Test
    void whileTheStoreIsDownRequestsAnswer503AtOnceAndOnceItIsBackTheyWorkWithoutARestart() throws Exception {
        TestUser ann = TestUser.create("ann");
        TestUser ben = TestUser.create("ben");
        String chat = ann.directChatWith(ben);
        send(ann, chat, "before", "c-before").then().statusCode(201);
        awaitTrue(() -> readiness() == 200, "ready with the store up");

        try (TestSocket socket = TestSocket.connect(vertx, ws, ann.token())) {
            socket.drain();
            store.stop();
            try {
                long started = System.nanoTime();
                Response refused = send(ann, chat, "during", "c-during");
                long elapsed = millisSince(started);
                refused.then().statusCode(503).contentType("application/problem+json")
                        .body("code", equalTo("store_unavailable")).body("status", equalTo(503));
                assertTrue(Integer.parseInt(refused.header("Retry-After")) >= 1, "Retry-After in seconds");
                assertTrue(elapsed < PROMPT_MILLIS, "a send answered within a second, took " + elapsed + " ms");

                started = System.nanoTime();
                Response history = ann.api().get("/chat/" + chat);
                elapsed = millisSince(started);
                history.then().statusCode(503).body("code", equalTo("store_unavailable"));
                assertTrue(Integer.parseInt(history.header("Retry-After")) >= 1, "Retry-After on a read");
                assertTrue(elapsed < PROMPT_MILLIS, "a read answered within a second, took " + elapsed + " ms");

                ann.api().get("/chat").then().statusCode(503).body("code", equalTo("store_unavailable"));

                started = System.nanoTime();
                String id = socket.send("message:send", Map.of("chatId", chat, "content", "by socket", "clientMessageId", "c-ws"));
                JsonObject error = socket.reply(id);
                elapsed = millisSince(started);
                assertEquals("error", error.getString("event"));
                assertEquals("store_unavailable", error.getJsonObject("data").getString("code"));
                assertEquals(id, error.getJsonObject("data").getString("ref"));
                assertTrue(elapsed < PROMPT_MILLIS, "a socket send answered within a second, took " + elapsed + " ms");

                // a sync needs the store too: a retryable store_unavailable, not internal_error
                String sync = socket.send("sync", Map.of("chats", java.util.List.of(Map.of("chatId", chat, "seq", 0, "changes", 0))));
                JsonObject syncError = socket.reply(sync);
                assertEquals("error", syncError.getString("event"), syncError.encode());
                assertEquals("store_unavailable", syncError.getJsonObject("data").getString("code"), syncError.encode());

                awaitTrue(() -> readiness() == 503, "readiness DOWN while the store is down");
                JsonPath health = RestAssured.given().get("/q/health/ready").then().extract().jsonPath();
                assertEquals("DOWN", health.getString("checks.find { it.name == 'store' }.status"));
                RestAssured.given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
            } finally {
                store.start();
            }

            // the refused sends are retried, as a client does, with their clientMessageIds
            awaitTrue(() -> send(ann, chat, "during", "c-during").statusCode() == 201, "a send stored again");
            awaitTrue(() -> readiness() == 200, "readiness UP once the store is back");
            String id = socket.send("message:send", Map.of("chatId", chat, "content", "by socket", "clientMessageId", "c-ws"));
            assertEquals("message:ack", socket.reply(id).getString("event"));
        }

        List<String> stored = ann.api().get("/chat/" + chat).then().statusCode(200).extract().path("messages.clientMessageId");
        assertEquals(List.of("c-ws", "c-during", "c-before"), stored, "every acknowledged send once, newest first");
    }

    private static Response send(TestUser user, String chat, String content, String clientMessageId) {
        return user.api().contentType(ContentType.JSON)
                .body(Map.of("chatId", chat, "content", content, "clientMessageId", clientMessageId))
                .post("/chat/message");
    }

    private static int readiness() {
        return RestAssured.given().get("/q/health/ready").statusCode();
    }

    private static long millisSince(long started) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    }

    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Not within " + DEADLINE.toSeconds() + " s: " + what);
            }
            TimeUnit.MILLISECONDS.sleep(50); // polling a condition with a deadline
        }
    }
}
