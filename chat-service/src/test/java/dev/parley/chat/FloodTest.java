package dev.parley.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.parley.testsupport.TestSocket;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.Vertx;

/** A socket that talks too fast is slowed down, then closed; typing is limited on its own. */
@QuarkusTest
@ChatTestResources
@TestProfile(FloodTest.TightLimits.class)
class FloodTest {

    public static class TightLimits implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("parley.chat.socket.frames-per-second", "1", "parley.chat.socket.frame-burst", "5",
                    "parley.chat.socket.flood-strikes", "3", "parley.chat.socket.typing-per10-seconds", "2");
        }
    }

    @TestHTTPResource("/ws")
    URI ws;

    @Inject
    Vertx vertx;

    @Test
    void typingBeyondItsLimitIsRefused() throws Exception {
        TestUser ann = TestUser.create("ann");
        String chat = ann.directChatWith(TestUser.create("ben"));
        try (TestSocket socket = TestSocket.connect(vertx, ws, ann.token())) {
            socket.send("user:typing", Map.of("chatId", chat));
            socket.send("user:typing", Map.of("chatId", chat));
            String third = socket.send("user:typing", Map.of("chatId", chat));
            assertEquals("rate_limited", socket.reply(third).getJsonObject("data").getString("code"));
        }
    }

    @Test
    void aFloodIsRateLimitedAndThenClosedWith1008() throws Exception {
        TestUser ann = TestUser.create("ann");
        try (TestSocket socket = TestSocket.connect(vertx, ws, ann.token())) {
            for (int i = 0; i < 30; i++) {
                socket.sendRaw("{\"event\":\"nothing\"}");
            }
            assertEquals("rate_limited", socket.await(f -> "error".equals(f.getString("event"))
                    && "rate_limited".equals(f.getJsonObject("data").getString("code")), "rate_limited").getJsonObject("data")
                    .getString("code"));
            assertEquals(1008, socket.awaitClose());
        }
        try (TestSocket again = TestSocket.connect(vertx, ws, ann.token())) {
            assertTrue(again.reply(again.send("ping", Map.of())).containsKey("data"), "a new socket starts with a full allowance");
        }
    }
}
