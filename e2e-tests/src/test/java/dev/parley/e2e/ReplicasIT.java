package dev.parley.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.parley.e2e.Parley.Account;
import dev.parley.testsupport.TestRedis;
import dev.parley.testsupport.TestSocket;
import io.vertx.core.json.JsonObject;

/**
 * Two chat-service replicas behind the gateway, joined by a real Redis. The gateway balances
 * WebSocket upgrades round-robin, so two consecutive sockets of one user land on different
 * replicas: whichever replica the other user is on, one of the two paths crosses replicas.
 */
class ReplicasIT {

    private static Parley parley;

    @BeforeAll
    static void startTheStack() throws Exception {
        parley = Parley.start("replicas", 400, 2, TestRedis.uri());
    }

    @AfterAll
    static void stopTheStack() throws Exception {
        if (parley != null) {
            parley.close();
        }
    }

    @Test
    void usersOnDifferentReplicasChatBothWaysAndPresenceCountsEverySocket() throws Exception {
        Account erin = parley.register("erin");
        Account finn = parley.register("finn");
        String chat = parley.directChat(erin, finn);

        try (TestSocket erinSocket = TestSocket.connect(parley.vertx, parley.ws(), erin.accessToken())) {
            erinSocket.drain();
            TestSocket finnOne = TestSocket.connect(parley.vertx, parley.ws(), finn.accessToken());
            TestSocket finnTwo = TestSocket.connect(parley.vertx, parley.ws(), finn.accessToken());
            finnOne.drain();
            finnTwo.drain();
            assertEquals("online", erinSocket.await(f -> "user:status".equals(f.getString("event")), "finn online")
                    .getJsonObject("data").getString("status"));

            String id = erinSocket.reply(erinSocket.send("message:send", Map.of("chatId", chat, "content", "to both replicas")))
                    .getJsonObject("data").getJsonObject("message").getString("id");
            assertEquals(id, finnOne.await("message:receive").getJsonObject("data").getJsonObject("message").getString("id"));
            assertEquals(id, finnTwo.await("message:receive").getJsonObject("data").getJsonObject("message").getString("id"));

            finnOne.send("message:send", Map.of("chatId", chat, "content", "from one"));
            finnTwo.send("message:send", Map.of("chatId", chat, "content", "from two"));
            Set<String> atErin = new HashSet<>();
            for (int i = 0; i < 2; i++) {
                JsonObject m = erinSocket.await("message:receive").getJsonObject("data").getJsonObject("message");
                atErin.add(m.getString("content"));
            }
            assertEquals(Set.of("from one", "from two"), atErin);

            finnOne.close(); // finn is still connected on the other replica
            finnTwo.send("user:status", Map.of("status", "away"));
            assertEquals("away", erinSocket.await(f -> "user:status".equals(f.getString("event")), "finn away")
                    .getJsonObject("data").getString("status"), "closing one of two sockets is not offline");
            finnTwo.close();
            assertEquals("offline", erinSocket.await(f -> "user:status".equals(f.getString("event")), "finn offline")
                    .getJsonObject("data").getString("status"));
        }
    }
}
