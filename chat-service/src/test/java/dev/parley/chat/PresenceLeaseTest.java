package dev.parley.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.parley.testsupport.TestSocket;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/**
 * Presence over replicas is a set of leases: a replica that dies without closing its sockets
 * (kill -9) stops renewing, and another replica takes its users offline. The dead replica is
 * played by the test: it writes a heartbeat and leases with a fake replica id into Redis, as a
 * replica would have just before it was killed, and renews nothing after.
 */
@QuarkusTest
@ChatTestResources
@WithTestResource(PrivateRedisResource.class)
class PresenceLeaseTest {

    private static final String P = PrivateRedisResource.PREFIX;
    private static final long LEASE = PrivateRedisResource.LEASE_MILLIS;

    @TestHTTPResource("/ws")
    URI ws;

    @Inject
    Vertx vertx;

    RedisProcess redis;

    @Test
    void aKilledReplicasUsersGoOfflineWithinTwoLeasesAndCanComeOnlineAgain() throws Exception {
        TestUser ann = TestUser.create("ann");
        TestUser ben = TestUser.create("ben");
        TestUser carol = TestUser.create("carol");
        ann.directChatWith(ben);
        carol.directChatWith(ann);
        try (TestSocket carolHere = TestSocket.connect(vertx, ws, carol.token())) {
            carolHere.drain();
            try (TestSocket annHere = TestSocket.connect(vertx, ws, ann.token())) {
                assertEquals("online", carolHere.await(f -> "user:status".equals(f.getString("event"))
                        && ann.id().equals(f.getJsonObject("data").getString("userId")), "ann online").getJsonObject("data")
                        .getString("status"));

                // the dead replica held ben (only there) and ann (also here); its last renewal is now
                String dead = "dead-" + UUID.randomUUID();
                long killedAt = System.currentTimeMillis();
                String expiry = String.valueOf(killedAt + LEASE);
                redis.command("ZADD", P + ":replicas", expiry, dead);
                redis.command("ZADD", P + ":online:" + ben.id(), expiry, dead);
                redis.command("ZADD", P + ":online:" + ann.id(), expiry, dead);
                redis.command("SADD", P + ":replica-users:" + dead, ben.id(), ann.id());

                JsonObject offline = annHere.await(f -> "user:status".equals(f.getString("event"))
                        && ben.id().equals(f.getJsonObject("data").getString("userId")), "ben offline").getJsonObject("data");
                long after = System.currentTimeMillis() - killedAt;
                assertEquals("offline", offline.getString("status"));
                assertTrue(after <= 2 * LEASE, "offline " + after + " ms after the kill, lease " + LEASE + " ms");

                // the cleanup is over once the dead replica is forgotten; ann, still connected here, stayed online
                awaitForgotten(dead);
                carolHere.drain();
                assertEquals(0, carolHere.count("user:status"), "carol was told nothing about ann, who never left");

                // ben's count is not stuck: his next socket (here) is announced online
                try (TestSocket benHere = TestSocket.connect(vertx, ws, ben.token())) {
                    JsonObject online = annHere.await(f -> "user:status".equals(f.getString("event"))
                            && ben.id().equals(f.getJsonObject("data").getString("userId")), "ben online").getJsonObject("data");
                    assertEquals("online", online.getString("status"));
                }
            }
        }
    }

    private void awaitForgotten(String replica) throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (!"$-1".equals(redis.command("ZSCORE", P + ":replicas", replica))) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("dead replica " + replica + " never cleaned up");
            }
            TimeUnit.MILLISECONDS.sleep(50); // polling a condition with a deadline
        }
    }
}
