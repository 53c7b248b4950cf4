package dev.parley.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.parley.testsupport.TestSocket;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/**
 * docs/websocket-protocol.md is true: every client example, sent as written (with its example ids
 * swapped for real ones), does what the document says, and every server example has the shape of
 * the frames the server really sends.
 */
@QuarkusTest
@ChatTestResources
class ProtocolDocTest {

    private static final Path DOC = Path.of("..", "docs", "websocket-protocol.md");
    private static final Pattern EXAMPLE = Pattern.compile("```json (client|server)\\n(.*?)\\n```", Pattern.DOTALL);

    @TestHTTPResource("/ws")
    URI ws;

    @Inject
    Vertx vertx;

    @Test
    void everyDocumentedExampleMatchesTheServer() throws Exception {
        TestUser ann = TestUser.create("ann");
        TestUser ben = TestUser.create("ben");
        String chat = ann.directChatWith(ben);
        String message = ann.send(chat, "first").getString("id");
        Map<String, String> ids = Map.of("665f1c2e8f1b2a3c4d5e6f70", chat, "665f1c2e8f1b2a3c4d5e6f71", message,
                "665f1c2e8f1b2a3c4d5e6f72", ben.id(), "665f1c2e8f1b2a3c4d5e6f73", ann.id());

        List<JsonObject> clientExamples = new ArrayList<>();
        List<JsonObject> serverExamples = new ArrayList<>();
        Matcher m = EXAMPLE.matcher(Files.readString(DOC));
        while (m.find()) {
            String json = m.group(2);
            for (var id : ids.entrySet()) {
                json = json.replace(id.getKey(), id.getValue());
            }
            ("client".equals(m.group(1)) ? clientExamples : serverExamples).add(new JsonObject(json));
        }
        assertEquals(7, clientExamples.size());
        assertEquals(10, serverExamples.size());

        List<JsonObject> seen = new ArrayList<>();
        try (TestSocket annSocket = TestSocket.connect(vertx, ws, ann.token());
                TestSocket benSocket = TestSocket.connect(vertx, ws, ben.token())) {
            for (JsonObject example : clientExamples) {
                annSocket.sendRaw(example.encode());
                String event = example.getString("event");
                switch (event) {
                    case "message:send" -> seen.add(expect(annSocket.reply(example.getString("id")), "message:ack"));
                    case "sync" -> seen.add(expect(annSocket.reply(example.getString("id")), "sync:result"));
                    case "user:typing", "message:read", "user:status" -> seen.add(benSocket.await(event));
                    default -> throw new AssertionError("undocumented expectation for " + event);
                }
            }
            seen.add(benSocket.await("message:receive"));
            ann.api().contentType(ContentType.JSON).body(Map.of("content", "edited")).patch("/chat/message/" + message)
                    .then().statusCode(200);
            seen.add(benSocket.await("message:updated"));
            ann.api().delete("/chat/message/" + message).then().statusCode(204);
            seen.add(benSocket.await("message:deleted"));
            String strangers = TestUser.create("x").directChatWith(TestUser.create("y"));
            seen.add(annSocket.reply(annSocket.send("message:send", Map.of("chatId", strangers, "content", "hi"))));
        }

        // the n-th documented example of an event is held to the n-th frame of it the server sent
        Map<String, Integer> nth = new HashMap<>();
        for (JsonObject documented : serverExamples) {
            String event = documented.getString("event");
            int index = nth.merge(event, 1, Integer::sum) - 1;
            JsonObject real = seen.stream().filter(f -> event.equals(f.getString("event"))).skip(index).findFirst()
                    .orElseThrow(() -> new AssertionError("never saw " + (index + 1) + " " + event));
            assertSameShape(event, documented.getJsonObject("data"), real.getJsonObject("data"));
        }
    }

    private static JsonObject expect(JsonObject frame, String event) {
        assertEquals(event, frame.getString("event"), frame.encode());
        return frame;
    }

    /** Every documented field exists for real; every real top-level field is documented. */
    private static void assertSameShape(String where, JsonObject documented, JsonObject real) {
        for (String key : documented.fieldNames()) {
            assertTrue(real.containsKey(key), where + ": documented field " + key + " is not sent; real: " + real.encode());
            if (documented.getValue(key) instanceof JsonObject nested) {
                JsonObject realNested = real.getJsonObject(key);
                nested.fieldNames().forEach(k -> assertTrue(realNested.containsKey(k), where + "." + key + "." + k + " not sent"));
            }
        }
        if (!"message".equals(where)) {
            for (String key : real.fieldNames()) {
                assertTrue(documented.containsKey(key), where + ": field " + key + " is sent but not documented");
            }
        }
        assertFalse(documented.isEmpty());
    }
}
