package dev.parley.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.json.JsonObject;

/**
 * A frame that waited in its socket's line past the wait budget is answered {@code overloaded},
 * naming it, and not handled; the socket carries on. Budget 0 here: anything that had to wait at
 * all (behind a sync, which is handled on a worker thread) is refused when its turn comes.
 */
@QuarkusTest
@ChatTestResources
@TestProfile(WaitBudgetTest.NoWaiting.class)
class WaitBudgetTest {

    public static class NoWaiting implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("parley.chat.socket.wait-budget", "PT0S");
        }
    }

    @TestHTTPResource("/ws")
    URI ws;

    @Test
    void framesThatWaitedPastTheBudgetAreRefusedByNameAndNotHandled() throws Exception {
        TestUser ann = TestUser.create("ann");
        String chat = ann.directChatWith(TestUser.create("ben"));
        try (RawSocket socket = RawSocket.connect(ws, ann.token(), Map.of(), 0)) {
            ByteArrayOutputStream burst = new ByteArrayOutputStream();
            burst.writeBytes(RawSocket.text(new JsonObject().put("event", "sync").put("id", "s")
                    .put("data", new JsonObject().put("chats", List.of())).encode()));
            for (int i = 1; i <= 3; i++) {
                burst.writeBytes(RawSocket.text(new JsonObject().put("event", "message:send").put("id", "m" + i)
                        .put("data", new JsonObject().put("chatId", chat).put("content", "late " + i)).encode()));
            }
            socket.write(burst.toByteArray()); // all four arrive together: three wait behind the sync

            List<String> overloaded = new ArrayList<>();
            String first = null;
            while (overloaded.size() < 3) {
                JsonObject frame = new JsonObject(socket.read().text());
                if ("sync:result".equals(frame.getString("event"))) {
                    first = frame.getString("id");
                } else if ("error".equals(frame.getString("event"))) {
                    assertEquals("overloaded", frame.getJsonObject("data").getString("code"), frame.encode());
                    overloaded.add(frame.getJsonObject("data").getString("ref"));
                }
            }
            assertEquals("s", first, "the frame handled at once is answered");
            assertEquals(List.of("m1", "m2", "m3"), overloaded, "each late one is refused by name, in order");
            // nothing of the refused sends was stored
            ann.api().get("/chat/" + chat).then().statusCode(200).body("messages.size()", org.hamcrest.Matchers.equalTo(0));
        }
    }
}
