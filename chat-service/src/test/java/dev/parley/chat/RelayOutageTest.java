package dev.parley.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.parley.testsupport.TestSocket;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/**
 * This replica survives a restart of the Redis it shares with the others: sockets keep opening,
 * readiness says when it cannot relay, events from other replicas flow again once Redis is back,
 * and the sockets that lived through the outage are told to reconnect and sync. The other replica
 * is played by the test, publishing on the events channel in the relay's frame format (one frame
 * naming its recipients, here one with no socket on this replica and one with).
 */
@QuarkusTest
@ChatTestResources
@WithTestResource(PrivateRedisResource.class)
class RelayOutageTest {

    private static final Duration DEADLINE = Duration.ofSeconds(15);

    @TestHTTPResource("/ws")
    URI ws;

    @Inject
    Vertx vertx;

    RedisProcess redis;

    @Test
    void afterARedisRestartSocketsStayUsableReadinessTellsTheTruthAndEventsFromOtherReplicasArriveAgain() throws Exception {
        TestUser ann = TestUser.create("ann");
        TestUser ben = TestUser.create("ben");
        TestUser carol = TestUser.create("carol");
        carol.directChatWith(ann);
        awaitTrue(() -> readiness() == 200, "ready with Redis up");

        try (TestSocket annAcross = TestSocket.connect(vertx, ws, ann.token())) {
            annAcross.drain();

            redis.kill();
            awaitTrue(() -> readiness() == 503, "readiness DOWN while Redis is down");

            // a user's first socket here while Redis is down: served, and its user is online for a contact here
            try (TestSocket carolDuring = TestSocket.connect(vertx, ws, carol.token())) {
                carolDuring.drain();
                assertEquals("online", annAcross.await(f -> "user:status".equals(f.getString("event"))
                        && carol.id().equals(f.getJsonObject("data").getString("userId")), "carol online during the outage")
                        .getJsonObject("data").getString("status"));

                redis.start();
                awaitTrue(() -> readiness() == 200, "readiness UP once Redis is back");

                // both may have missed events from other replicas: told to reconnect and sync
                assertEquals(1012, annAcross.awaitClose(), "a socket open across the outage is closed with 1012");
                assertEquals(1012, carolDuring.awaitClose(), "a socket opened during the outage is closed with 1012");
            }
        }

        try (TestSocket benAfter = TestSocket.connect(vertx, ws, ben.token())) {
            benAfter.drain();
            String fromOtherReplica = new JsonObject().put("event", "message:receive").put("data",
                    new JsonObject().put("message", new JsonObject().put("content", "across the restart"))).encode();
            String frame = "another-replica\n\n" + carol.id() + "," + ben.id() + "\n" + fromOtherReplica;
            awaitTrue(() -> publish(PrivateRedisResource.PREFIX + ":events", frame) > 0,
                    "this replica subscribed to the events channel again");
            JsonObject received = benAfter.await("message:receive");
            assertNotNull(received);
            assertEquals("across the restart", received.getJsonObject("data").getJsonObject("message").getString("content"));

            // another replica whose relay was down dropped events for ben: his socket here syncs too
            publish(PrivateRedisResource.PREFIX + ":events", "another-replica\n!missed\n" + carol.id() + "," + ben.id() + "\n");
            assertEquals(1012, benAfter.awaitClose(), "a socket of a user another replica dropped events for is closed with 1012");
        }
    }

    private int readiness() {
        return RestAssured.given().get("/q/health/ready").statusCode();
    }

    private long publish(String channel, String frame) {
        try {
            return Long.parseLong(redis.command("PUBLISH", channel, frame).substring(1));
        } catch (IOException e) {
            return 0;
        }
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
