package dev.parley.chat;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.parley.testsupport.TestJwksResource;
import dev.parley.testsupport.TestSocket;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/**
 * A send that waited in the writer's queue longer than the send budget (here 0.5 s) is not written:
 * it answers {@code overloaded} even while the writer is stuck on a store that does not answer, it
 * takes no number, and its retry with the same clientMessageId is stored once, next in sequence.
 */
@QuarkusTest
@WithTestResource(value = PrivateStoreResource.class, initArgs =
        @ResourceArg(name = "parley.chat.writer.send-budget", value = "PT0.5S"))
@WithTestResource(TestJwksResource.class)
class SendBudgetTest {

    @TestHTTPResource("/ws")
    URI ws;

    @Inject
    Vertx vertx;

    PrivateStore store;

    @Test
    void aSendThatWaitedPastTheBudgetIsNotWrittenAndAnswersOverloaded() throws Exception {
        TestUser ann = TestUser.create("ann");
        String chat = ann.directChatWith(TestUser.create("ben"));

        try (TestSocket socket = TestSocket.connect(vertx, ws, ann.token());
                TestSocket other = TestSocket.connect(vertx, ws, ann.token())) {
            store.holdInserts();
            String late;
            try {
                String first = socket.send("message:send", Map.of("chatId", chat, "content", "first", "clientMessageId", "m1"));
                store.awaitHeldInsert();

                long started = System.nanoTime();
                Response rest = send(ann, chat, "r1");
                long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
                rest.then().statusCode(503).body("code", equalTo("overloaded"));
                assertEquals("1", rest.header("Retry-After"));
                assertTrue(elapsed >= 400 && elapsed < 1500, "refused once its budget was spent, after " + elapsed + " ms");

                // a socket handles its frames one after another: the late send comes from another device
                late = other.send("message:send", Map.of("chatId", chat, "content", "late", "clientMessageId", "m2"));
                JsonObject error = other.reply(late);
                assertEquals("error", error.getString("event"));
                assertEquals("overloaded", error.getJsonObject("data").getString("code"));
                assertEquals(0, socket.count("message:ack"), "the first send is still being written: " + first);
            } finally {
                store.releaseInserts();
            }
            assertEquals("m1", socket.await("message:ack").getJsonObject("data").getString("clientMessageId"));

            String retry = socket.send("message:send", Map.of("chatId", chat, "content", "late", "clientMessageId", "m2"));
            JsonObject ack = socket.reply(retry);
            assertEquals("message:ack", ack.getString("event"));
            assertEquals(false, ack.getJsonObject("data").getBoolean("duplicate"), "the expired try was never stored");
        }
        send(ann, chat, "r1").then().statusCode(201);

        List<String> stored = ann.api().get("/chat/" + chat).then().statusCode(200).extract().path("messages.clientMessageId");
        List<Integer> seqs = ann.api().get("/chat/" + chat).then().extract().path("messages.seq");
        assertEquals(List.of("r1", "m2", "m1"), stored, "each send once, the expired tries only through their retries");
        assertEquals(List.of(3, 2, 1), seqs, "an expired send took no number");
    }

    private static Response send(TestUser user, String chat, String clientMessageId) {
        return user.api().contentType(ContentType.JSON)
                .body(Map.of("chatId", chat, "content", "by rest", "clientMessageId", clientMessageId)).post("/chat/message");
    }
}
