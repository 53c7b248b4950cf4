package dev.parley.chat;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.parley.testsupport.TestSocket;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/** A body or frame that names a field twice is refused as malformed, and nothing is stored from it. */
@QuarkusTest
@ChatTestResources
class DuplicateKeysTest {

    @TestHTTPResource("/ws")
    URI ws;

    @Inject
    Vertx vertx;

    @Test
    void anEditNamingItsContentTwiceIsABadRequestAndChangesNothing() {
        TestUser ann = TestUser.create("ann");
        String chat = ann.directChatWith(TestUser.create("ben"));
        String message = ann.send(chat, "as sent").getString("id");
        ann.api().contentType(ContentType.JSON).body("{\"content\":\"a\",\"content\":{\"$ne\":null}}")
                .patch("/chat/message/" + message).then().statusCode(400).contentType("application/problem+json")
                .body("code", equalTo("malformed_body"));
        ann.api().get("/chat/" + chat).then().statusCode(200).body("messages[0].content", equalTo("as sent"))
                .body("messages[0].editedAt", equalTo(null));
    }

    @Test
    void aSendNamingItsChatTwiceIsABadRequestAndStoresNothing() {
        TestUser ann = TestUser.create("ann");
        String chat = ann.directChatWith(TestUser.create("ben"));
        String other = TestUser.create("cy").directChatWith(TestUser.create("dee"));
        ann.api().contentType(ContentType.JSON)
                .body("{\"chatId\":\"" + chat + "\",\"content\":\"hi\",\"chatId\":\"" + other + "\"}")
                .post("/chat/message").then().statusCode(400).body("code", equalTo("malformed_body"));
        ann.api().get("/chat/" + chat).then().statusCode(200).body("messages.size()", equalTo(0));
    }

    @Test
    void aFrameNamingAFieldTwiceGetsAnErrorAndTheSocketCarriesOn() throws Exception {
        TestUser ann = TestUser.create("ann");
        String chat = ann.directChatWith(TestUser.create("ben"));
        try (TestSocket socket = TestSocket.connect(vertx, ws, ann.token())) {
            socket.sendRaw("{\"event\":\"message:send\",\"id\":\"r1\",\"data\":{\"chatId\":\"" + chat
                    + "\",\"content\":\"a\",\"content\":\"b\"}}");
            JsonObject error = socket.await("error").getJsonObject("data");
            assertEquals("bad_json", error.getString("code"));
            String id = socket.send("message:send", Map.of("chatId", chat, "content", "still here"));
            assertEquals("message:ack", socket.reply(id).getString("event"));
        }
    }
}
