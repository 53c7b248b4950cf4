package dev.parley.chat;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

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
 * A writer whose queue is full refuses sends at once with {@code overloaded} (a WebSocket error
 * naming the frame, a REST 503 with Retry-After) instead of holding them, and nothing is half
 * written: every acknowledged send is in history once, in a gap-free sequence, every refused one is
 * absent and may be retried. The store is made slow by holding its inserts; the queue holds about
 * three 100-byte messages (each counts twice its ciphertext plus the writer's fixed overhead).
 */
@QuarkusTest
@WithTestResource(value = PrivateStoreResource.class, initArgs = {
        @ResourceArg(name = "parley.chat.writer.max-queued-bytes", value = "6000"),
        @ResourceArg(name = "parley.chat.writer.send-budget", value = "PT30S") })
@WithTestResource(TestJwksResource.class)
class LoadSheddingTest {

    private static final String CONTENT = "x".repeat(100);

    @TestHTTPResource("/ws")
    URI ws;

    @Inject
    Vertx vertx;

    PrivateStore store;

    @Test
    void aFullQueueRefusesSendsAtOnceWithOverloadedAndNothingIsHalfWritten() throws Exception {
        TestUser ann = TestUser.create("ann");
        String chat = ann.directChatWith(TestUser.create("ben"));
        Map<String, String> clientIdByFrame = new HashMap<>();
        List<String> acked = new ArrayList<>();
        List<String> refused = new ArrayList<>();

        // one send per socket: a socket's frames are handled one after the other, several devices send at once
        List<TestSocket> sockets = new ArrayList<>();
        List<TestSocket> refusedSockets = new ArrayList<>();
        try {
            for (int i = 0; i <= 7; i++) {
                sockets.add(TestSocket.connect(vertx, ws, ann.token()));
            }
            store.holdInserts();
            try {
                clientIdByFrame.put(send(sockets.get(0), chat, "m0"), "m0");
                store.awaitHeldInsert(); // m0's batch is being written and holds the worker
                for (int i = 1; i <= 7; i++) {
                    clientIdByFrame.put(send(sockets.get(i), chat, "m" + i), "m" + i);
                }
                // two fit beside m0, the other five are refused without waiting for the store
                awaitTrue(() -> sockets.stream().mapToLong(s -> s.count("error")).sum() == 5, "five refusals");
                for (TestSocket socket : sockets) {
                    if (socket.count("error") > 0) {
                        refusedSockets.add(socket);
                        JsonObject error = socket.await("error");
                        assertEquals("overloaded", error.getJsonObject("data").getString("code"));
                        String ref = error.getJsonObject("data").getString("ref");
                        assertTrue(clientIdByFrame.containsKey(ref), "the error names the refused frame");
                        refused.add(clientIdByFrame.get(ref));
                    }
                }
                assertEquals(5, refused.size(), "five refused at once: " + refused);

                long started = System.nanoTime();
                Response rest = ann.api().contentType(ContentType.JSON)
                        .body(Map.of("chatId", chat, "content", CONTENT, "clientMessageId", "r1")).post("/chat/message");
                long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
                rest.then().statusCode(503).contentType("application/problem+json").body("code", equalTo("overloaded"));
                assertEquals("1", rest.header("Retry-After"));
                assertTrue(elapsed < 1000, "refused at once while the store is held, took " + elapsed + " ms");
                refused.add("r1");
                assertEquals(0, sockets.stream().mapToLong(s -> s.count("message:ack")).sum(),
                        "nothing acknowledged while its batch is unwritten");
            } finally {
                store.releaseInserts();
            }

            for (TestSocket socket : sockets) {
                if (!refusedSockets.contains(socket)) {
                    acked.add(socket.await("message:ack").getJsonObject("data").getString("clientMessageId"));
                }
                socket.drain();
                assertEquals(0, socket.count("error") + socket.count("message:ack"), "one answer per send");
            }
            assertEquals(3, acked.size(), "the three that were queued are acknowledged: " + acked);
        } finally {
            for (TestSocket socket : sockets) {
                socket.close();
            }
        }

        assertTrue(acked.contains("m0"));
        List<String> stored = ann.api().get("/chat/" + chat).then().statusCode(200).extract().path("messages.clientMessageId");
        List<Integer> seqs = ann.api().get("/chat/" + chat).then().extract().path("messages.seq");
        assertEquals(acked.stream().sorted().toList(), stored.stream().sorted().toList(),
                "exactly the acknowledged sends are stored, each once; refused: " + refused);
        assertEquals(List.of(3, 2, 1), seqs, "a refused send took no number");

        // a refused send retried once the store keeps up: stored, next number
        String retried = refused.get(0);
        ann.api().contentType(ContentType.JSON).body(Map.of("chatId", chat, "content", CONTENT, "clientMessageId", retried))
                .post("/chat/message").then().statusCode(201).body("seq", equalTo(4));
    }

    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TestSocket.WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Not within " + TestSocket.WAIT.toSeconds() + " s: " + what);
            }
            TimeUnit.MILLISECONDS.sleep(20); // polling a condition with a deadline
        }
    }

    private static String send(TestSocket socket, String chat, String clientMessageId) {
        return socket.send("message:send", Map.of("chatId", chat, "content", CONTENT, "clientMessageId", clientMessageId));
    }
}
