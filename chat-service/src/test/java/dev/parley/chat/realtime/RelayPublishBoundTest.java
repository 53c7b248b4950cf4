package dev.parley.chat.realtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.parley.chat.ChatTestResources;
import dev.parley.chat.PrivateRedisResource;
import dev.parley.chat.RedisProcess;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * What waits on the relay's publishing connection is bounded in bytes: while Redis takes no writes
 * (a stall, played by CLIENT PAUSE WRITE), events past the bound are not queued (their users are
 * remembered as missed and told so once Redis answers), and once it answers the queue drains to 0.
 */
@QuarkusTest
@ChatTestResources
@WithTestResource(PrivateRedisResource.class)
@TestProfile(RelayPublishBoundTest.SmallBound.class)
class RelayPublishBoundTest {

    static final int BOUND = 16 * 1024;

    public static class SmallBound implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("parley.chat.redis.max-publish-bytes", String.valueOf(BOUND));
        }
    }

    @Inject
    ReplicaRelay relay;

    RedisProcess redis;

    @Test
    void aStalledRedisHoldsAtMostTheBoundAndTheRestIsNotQueued() throws Exception {
        awaitTrue(relay::connected, "the relay is subscribed");
        String json = "{\"event\":\"message:receive\",\"data\":\"" + "x".repeat(1000) + "\"}";
        long callsBefore = redis.publishCalls();

        redis.command("CLIENT", "PAUSE", "3000", "WRITE"); // PUBLISH now waits, as on a stalled Redis
        int events = 100; // about 100 KB: six times the bound
        long most = 0;
        for (int i = 0; i < events; i++) {
            relay.publish(List.of("user-" + i), json, json.length(), null);
            most = Math.max(most, relay.bytesInFlight());
        }
        assertTrue(most <= BOUND, "at most the bound waits on the connection: " + most);
        assertTrue(most > BOUND / 2, "and it did fill up: " + most);

        // once Redis takes writes again, what waited is sent and nothing else is
        awaitTrue(() -> relay.bytesInFlight() == 0, "the queue drained");
        long published = redis.publishCalls() - callsBefore;
        assertTrue(published < events, "the events past the bound were not queued: " + published + " publishes");
        assertTrue(relay.connected(), "a stall within the timeout does not drop the relay");
        assertEquals(0, relay.bytesInFlight());
    }

    private static void awaitTrue(BooleanSupplier condition, String what) {
        dev.parley.testsupport.Await.until(what, Duration.ofSeconds(15), condition);
    }
}
