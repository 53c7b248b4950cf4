package dev.parley.chat;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** With the operator's setting on (as ./bench runs it), a history page says how long the store took. */
@QuarkusTest
@ChatTestResources
@TestProfile(ServerTimingTest.Measuring.class)
class ServerTimingTest {

    public static class Measuring implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("parley.chat.server-timing", "true");
        }
    }

    @Test
    void aHistoryPageSaysHowLongTheStoreTook() {
        TestUser ann = TestUser.create("ann");
        String chat = ann.directChatWith(TestUser.create("ben"));
        ann.send(chat, "hello");

        String timing = ann.api().get("/chat/" + chat).then().statusCode(200).extract().header("Server-Timing");
        var parts = java.util.regex.Pattern.compile("store;dur=(\\d+\\.\\d{3}), app;dur=(\\d+\\.\\d{3})").matcher(timing);
        assertTrue(parts.matches(), timing);
        // a page reads the store at least twice (the messages, the chat): never zero
        assertTrue(Double.parseDouble(parts.group(1)) > 0, timing);
    }
}
