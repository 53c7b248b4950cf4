package dev.parley.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.parley.e2e.Parley.Account;
import dev.parley.testsupport.TestSocket;
import io.restassured.http.ContentType;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** chat-service goes away under connected clients and comes back; nothing acknowledged is lost or doubled. */
class RestartIT {

    private static Parley parley;

    @BeforeAll
    static void startTheStack() throws Exception {
        parley = Parley.start("restart", 500, 1, null);
    }

    @AfterAll
    static void stopTheStack() throws Exception {
        if (parley != null) {
            parley.close();
        }
    }

    @Test
    void aReconnectingClientSyncsEveryAcknowledgedMessageExactlyOnce() throws Exception {
        Account gina = parley.register("gina");
        Account hugo = parley.register("hugo");
        String chat = parley.directChat(gina, hugo);
        List<String> acknowledged = new ArrayList<>();
        List<String> hugoHas = new ArrayList<>();

        TestSocket ginaSocket = TestSocket.connect(parley.vertx, parley.ws(), gina.accessToken());
        TestSocket hugoSocket = TestSocket.connect(parley.vertx, parley.ws(), hugo.accessToken());
        for (int i = 0; i < 3; i++) {
            acknowledged.add(ginaSocket.reply(ginaSocket.send("message:send",
                    Map.of("chatId", chat, "content", "before " + i, "clientMessageId", "before-" + i)))
                    .getJsonObject("data").getJsonObject("message").getString("id"));
        }
        hugoHas.add(hugoSocket.await("message:receive").getJsonObject("data").getJsonObject("message").getString("id"));

        parley.stack.stop("chat-service");
        ginaSocket.awaitClose();
        hugoSocket.awaitClose();
        ginaSocket.close();
        hugoSocket.close();
        // while it is down, a send is refused quickly and nothing is acknowledged
        parley.as(gina).contentType(ContentType.JSON).body(Map.of("chatId", chat, "content", "during", "clientMessageId", "during-1"))
                .post("/chat/message").then().statusCode(503);

        parley.stack.restart("chat-service");
        // the client retries its unacknowledged send with the same clientMessageId
        acknowledged.add(parley.as(gina).contentType(ContentType.JSON)
                .body(Map.of("chatId", chat, "content", "during", "clientMessageId", "during-1"))
                .post("/chat/message").then().statusCode(201).extract().path("id"));
        try (TestSocket ginaAgain = TestSocket.connect(parley.vertx, parley.ws(), gina.accessToken())) {
            acknowledged.add(ginaAgain.reply(ginaAgain.send("message:send",
                    Map.of("chatId", chat, "content", "after", "clientMessageId", "after-1")))
                    .getJsonObject("data").getJsonObject("message").getString("id"));
        }

        try (TestSocket hugoAgain = TestSocket.connect(parley.vertx, parley.ws(), hugo.accessToken())) {
            JsonObject result = hugoAgain.reply(hugoAgain.send("sync", Map.of("since", hugoHas.get(hugoHas.size() - 1))));
            JsonArray missed = result.getJsonObject("data").getJsonArray("messages");
            missed.forEach(m -> hugoHas.add(((JsonObject) m).getString("id")));
        }
        assertEquals(acknowledged, hugoHas, "every acknowledged message exactly once, in order");
        assertTrue(hugoHas.stream().distinct().count() == hugoHas.size());
    }
}
