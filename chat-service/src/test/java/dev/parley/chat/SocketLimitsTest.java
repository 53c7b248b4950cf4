package dev.parley.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.parley.chat.realtime.ConnectionRegistry;
import dev.parley.chat.realtime.Outbound;
import dev.parley.testsupport.TestSocket;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.vertx.core.Vertx;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.json.JsonObject;

/**
 * What no socket can do to the replica or to other sockets: hold more than its outbound budget,
 * pile up frames, go past an event's own pace, open too many sockets, or send what the protocol
 * does not read (binary, compressed, oversized). Small limits, so each is reached quickly.
 */
@QuarkusTest
@ChatTestResources
@TestProfile(SocketLimitsTest.SmallLimits.class)
class SocketLimitsTest {

    static final int BUDGET = 65536;
    static final int PAGE_BYTES = 20000;

    public static class SmallLimits implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("parley.chat.socket.outbound-budget", String.valueOf(BUDGET),
                    // the slow socket cannot answer pings while it does not read: not reaped as silent meanwhile
                    "parley.chat.socket.reap-after", "PT60S",
                    "parley.chat.socket.max-in-flight", "4",
                    "parley.chat.socket.flood-strikes", "10",
                    "parley.chat.socket.status-per10-seconds", "2",
                    "parley.chat.socket.sync-per10-seconds", "2",
                    "parley.chat.socket.sync-burst", "3",
                    "parley.chat.socket.reads-per-second", "3",
                    "parley.chat.socket.max-sockets-per-user", "3",
                    "parley.chat.socket.sync-page-bytes", String.valueOf(PAGE_BYTES));
        }
    }

    @TestHTTPResource("/ws")
    URI ws;

    @Inject
    Vertx vertx;

    @Inject
    Outbound outbound;

    @Inject
    ConnectionRegistry registry;

    @Test
    void aSocketThatStopsReadingIsClosedAsASlowConsumerAndTheOthersGetEverything() throws Exception {
        TestUser ann = TestUser.create("ann");
        TestUser ben = TestUser.create("ben");
        TestUser cat = TestUser.create("cat");
        String group = group(ann, ben, cat);
        String content = "x".repeat(4000);
        // cat's socket: a 4 KiB receive window, and from here on nothing is read
        try (RawSocket slow = RawSocket.connect(ws, cat.token(), Map.of(), 4096);
                TestSocket annSocket = connect(ann); TestSocket benSocket = connect(ben)) {
            assertEquals(101, slow.status);
            long closedBefore = outbound.slowConsumersClosed();
            int sent = 0;
            // over REST (no socket frame rate to mind): every socket of the three gets each message
            while (outbound.slowConsumersClosed() == closedBefore) {
                assertTrue(sent < 3000, "never closed as a slow consumer");
                ann.send(group, content + sent++);
            }
            for (int i = 0; i < 5; i++) {
                ann.send(group, content + sent++); // after the close: the others still get everything
            }
            for (int seq = 1; seq <= sent; seq++) {
                assertEquals(seq, benSocket.await("message:receive").getJsonObject("data").getJsonObject("message")
                        .getInteger("seq"), "ben, who reads, gets every message in order");
                assertEquals(seq, annSocket.await("message:receive").getJsonObject("data").getJsonObject("message")
                        .getInteger("seq"), "so does the sender's socket");
            }

            // cat reads again: what was queued before the close, in order and without a gap, then the close
            List<String> frames = new ArrayList<>();
            RawSocket.Frame close = slow.readUntilClose(frames);
            assertNotNull(close, "a close frame, not a dropped connection");
            assertEquals(1008, close.closeCode());
            assertEquals("slow_consumer", close.closeReason());
            List<Integer> seqs = frames.stream().map(JsonObject::new).filter(f -> "message:receive".equals(f.getString("event")))
                    .map(f -> f.getJsonObject("data").getJsonObject("message").getInteger("seq")).toList();
            assertFalse(seqs.isEmpty());
            for (int i = 0; i < seqs.size(); i++) {
                assertEquals(i + 1, seqs.get(i));
            }
            assertTrue(seqs.size() < sent, "the rest was not queued for it");
        }
        awaitTrue(() -> outbound.queuedBytes() == 0, "the replica holds nothing for the closed socket");
    }

    @Test
    void framesBeyondTheInFlightLimitAreRefusedAtOnceAndTheRestAnsweredInOrder() throws Exception {
        TestUser ann = TestUser.create("ann");
        ann.directChatWith(TestUser.create("ben"));
        try (RawSocket socket = RawSocket.connect(ws, ann.token(), Map.of(), 0)) {
            // one write: a sync (slow: it goes to a worker thread) and seven more behind it, all arriving at once
            ByteArrayOutputStream burst = new ByteArrayOutputStream();
            burst.writeBytes(RawSocket.text(new JsonObject().put("event", "sync").put("id", "s")
                    .put("data", new JsonObject().put("chats", List.of())).encode()));
            for (int i = 1; i <= 7; i++) {
                burst.writeBytes(RawSocket.text(new JsonObject().put("event", "test:barrier").put("id", "b" + i)
                        .put("data", new JsonObject()).encode()));
            }
            socket.write(burst.toByteArray());

            List<String> answered = new ArrayList<>();
            List<String> refused = new ArrayList<>();
            int busy = 0;
            while (answered.size() < 4) {
                JsonObject frame = new JsonObject(socket.read().text());
                if ("error".equals(frame.getString("event")) && "busy".equals(frame.getJsonObject("data").getString("code"))) {
                    busy++;
                    // the refused frame is named, so its sender knows which request to send again
                    refused.add(frame.getJsonObject("data").getString("ref"));
                    assertTrue(answered.isEmpty(), "refused at once, before the frames in flight are answered");
                } else if ("sync:result".equals(frame.getString("event"))) {
                    answered.add(frame.getString("id"));
                } else if ("error".equals(frame.getString("event"))) {
                    assertEquals("unknown_event", frame.getJsonObject("data").getString("code"));
                    answered.add(frame.getJsonObject("data").getString("ref"));
                }
            }
            assertEquals(List.of("s", "b1", "b2", "b3"), answered, "the four in flight, answered in the order they came");
            assertEquals(4, busy);
            assertEquals(List.of("b4", "b5", "b6", "b7"), refused, "each refusal names its frame");
            socket.sendText(new JsonObject().put("event", "test:barrier").put("id", "after").put("data", new JsonObject()).encode());
            assertEquals("after", nextError(socket).getString("ref"), "the socket carries on");
        }
    }

    @Test
    void aFrameFloodClosesTheFlooderAndNobodyElseNotices() throws Exception {
        TestUser ann = TestUser.create("ann");
        TestUser ben = TestUser.create("ben");
        String chat = ann.directChatWith(ben);
        try (TestSocket annSocket = connect(ann); TestSocket benSocket = connect(ben);
                RawSocket flooder = RawSocket.connect(ws, TestUser.create("eve").token(), Map.of(), 0)) {
            ByteArrayOutputStream flood = new ByteArrayOutputStream();
            for (int i = 0; i < 300; i++) {
                flood.writeBytes(RawSocket.text("{\"event\":\"nothing\"}"));
            }
            flooder.write(flood.toByteArray());
            RawSocket.Frame close = flooder.readUntilClose(new ArrayList<>());
            assertNotNull(close);
            assertEquals(1008, close.closeCode());
            assertEquals("flood", close.closeReason());

            String id = annSocket.send("message:send", Map.of("chatId", chat, "content", "still fine"));
            assertEquals("message:ack", annSocket.reply(id).getString("event"));
            assertEquals("still fine", benSocket.await("message:receive").getJsonObject("data").getJsonObject("message")
                    .getString("content"));
        }
    }

    @Test
    void statusSyncAndReadHaveTheirOwnPaceAndARefusedOneDoesNothing() throws Exception {
        TestUser ann = TestUser.create("ann");
        TestUser ben = TestUser.create("ben");
        String chat = ann.directChatWith(ben);
        List<String> messages = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            messages.add(ann.send(chat, "m" + i).getString("id"));
        }
        try (TestSocket annSocket = connect(ann); TestSocket benSocket = connect(ben)) {
            benSocket.send("user:status", Map.of("status", "away"));
            benSocket.send("user:status", Map.of("status", "online"));
            assertRateLimited(benSocket, benSocket.send("user:status", Map.of("status", "away")), "user:status");

            List<Map<String, Object>> since = List.of(Map.of("chatId", chat, "seq", 0, "changes", 0));
            for (int i = 0; i < 3; i++) {
                assertEquals("sync:result", benSocket.reply(benSocket.send("sync", Map.of("chats", since))).getString("event"));
            }
            assertRateLimited(benSocket, benSocket.send("sync", Map.of("chats", since)), "sync");

            for (int i = 0; i < 3; i++) {
                benSocket.send("message:read", Map.of("chatId", chat, "messageId", messages.get(i)));
            }
            assertRateLimited(benSocket, benSocket.send("message:read", Map.of("chatId", chat, "messageId", messages.get(3))),
                    "message:read");
            assertEquals(3, annSocket.await(f -> "message:read".equals(f.getString("event"))
                    && f.getJsonObject("data").getInteger("seq") == 3, "ben read 3").getJsonObject("data").getInteger("seq"));
        }
        ann.api().get("/chat/" + chat).then().body("messages[0].read", org.hamcrest.Matchers.equalTo(false))
                .body("messages[1].read", org.hamcrest.Matchers.equalTo(true));
    }

    @Test
    void aUserHasAtMostTheCappedSocketsAndAClosedOneFreesItsSlot() throws Exception {
        TestUser ann = TestUser.create("ann");
        List<TestSocket> open = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                open.add(connect(ann));
            }
            UpgradeRejectedException refused = assertThrows(UpgradeRejectedException.class, () -> connect(ann).close());
            assertEquals(429, refused.getStatus());
            try (TestSocket ben = connect(TestUser.create("ben"))) {
                assertEquals("unknown_event", ben.reply(ben.send("ping", Map.of())).getJsonObject("data").getString("code"),
                        "another user is not affected");
            }
            open.remove(0).close();
            awaitTrue(() -> registry.of(ann.id()).size() == 2, "the closed socket's slot freed");
            open.add(connect(ann));
        } finally {
            for (TestSocket socket : open) {
                socket.close();
            }
        }
    }

    @Test
    void socketsOpenedAtOnceNeverPassTheCap() throws Exception {
        TestUser dan = TestUser.create("dan");
        List<CompletableFuture<Object>> opens = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            opens.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return connect(dan);
                } catch (Exception e) {
                    return e;
                }
            }));
        }
        List<TestSocket> sockets = new ArrayList<>();
        int refused = 0;
        for (CompletableFuture<Object> open : opens) {
            Object outcome = open.get();
            if (outcome instanceof TestSocket socket) {
                sockets.add(socket);
            } else if (outcome instanceof IllegalStateException closed) {
                // accepted, then closed by the server before the client got to it: the race path below
                assertEquals("WebSocket is closed", closed.getMessage());
            } else {
                assertTrue(outcome instanceof UpgradeRejectedException rejected && rejected.getStatus() == 429, outcome.toString());
                refused++;
            }
        }
        try {
            // an upgrade that raced past the admission check is closed right after it (1008 too_many_sockets)
            assertTrue(sockets.size() >= 3, sockets.size() + " accepted");
            awaitTrue(() -> registry.of(dan.id()).size() == 3, "exactly the cap registered");
        } finally {
            for (TestSocket socket : sockets) {
                socket.close();
            }
        }
    }

    @Test
    void compressionIsNeverNegotiated() throws Exception {
        TestUser ann = TestUser.create("ann");
        for (String offer : new String[] { "permessage-deflate; client_max_window_bits", "x-webkit-deflate-frame", "deflate-frame" }) {
            try (RawSocket socket = RawSocket.connect(ws, ann.token(), Map.of("Sec-WebSocket-Extensions", offer), 0)) {
                assertEquals(101, socket.status);
                assertNull(socket.headers.get("sec-websocket-extensions"), offer + " accepted: " + socket.headers);
            }
        }
    }

    @Test
    void aBinaryFrameGetsAnErrorAndTheSocketCarriesOn() throws Exception {
        TestUser ann = TestUser.create("ann");
        try (RawSocket socket = RawSocket.connect(ws, ann.token(), Map.of(), 0)) {
            socket.write(RawSocket.frame(RawSocket.BINARY, new byte[] { 1, 2, 3 }));
            assertEquals("unsupported_frame", nextError(socket).getString("code"));
            socket.sendText("{\"event\":\"ping\",\"id\":\"p\",\"data\":{}}");
            assertEquals("unknown_event", nextError(socket).getString("code"));
        }
    }

    @Test
    void aMessageOverTheSizeLimitIsClosedWith1009() throws Exception {
        TestUser ann = TestUser.create("ann");
        try (RawSocket socket = RawSocket.connect(ws, ann.token(), Map.of(), 0)) {
            socket.sendText("{\"event\":\"message:send\",\"data\":{\"content\":\"" + "x".repeat(70_000) + "\"}}");
            RawSocket.Frame close = socket.readUntilClose(new ArrayList<>());
            assertNotNull(close);
            assertEquals(1009, close.closeCode());
            assertEquals("message_too_big", close.closeReason());
        }
    }

    @Test
    void aSyncAnswerStopsBeforeTheMessageThatWouldPassItsBytesAndTheCursorPicksUpThere() throws Exception {
        TestUser ann = TestUser.create("ann");
        TestUser ben = TestUser.create("ben");
        String chat = ann.directChatWith(ben);
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            sent.add(ann.send(chat, i + "x".repeat(4000)).getString("id"));
        }
        // one message whose JSON alone is over the page (each U+0001 is written as a 6-byte escape)
        sent.add(ann.send(chat, "a" + "\u0001".repeat(4000) + "a").getString("id"));
        sent.add(ann.send(chat, "small").getString("id"));

        List<String> got = new ArrayList<>();
        long seq = 0;
        int pages = 0;
        // two sockets, taking turns: each may sync 3 times at once (sync-burst)
        try (TestSocket annSocket = connect(ann); TestSocket benSocket = connect(ben)) {
            boolean more = true;
            while (more) {
                assertTrue(++pages <= 6, "the cursor moves on");
                TestSocket socket = pages % 2 == 0 ? annSocket : benSocket;
                JsonObject answer = socket.reply(socket.send("sync", Map.of("chats", List.of(Map.of("chatId", chat, "seq", seq,
                        "changes", 0))))).getJsonObject("data");
                JsonObject page = answer.getJsonArray("chats").getJsonObject(0);
                var messages = page.getJsonArray("messages");
                assertFalse(messages.isEmpty(), "always at least one message");
                int bytes = messages.stream().mapToInt(m -> ((JsonObject) m).encode().getBytes(StandardCharsets.UTF_8).length).sum();
                assertTrue(messages.size() == 1 || bytes <= PAGE_BYTES, "a page of " + bytes + " bytes");
                messages.forEach(m -> got.add(((JsonObject) m).getString("id")));
                assertEquals(((JsonObject) messages.getValue(messages.size() - 1)).getLong("seq"), page.getLong("seq"));
                seq = page.getLong("seq");
                more = answer.getBoolean("more");
            }
        }
        assertEquals(sent, got, "every message once, in order");
        assertEquals(5, pages, "four of ~4.3 KB fit in 20,000 bytes: 1-4, 5-8, 9 (the next is too big to join it), 10 alone, 11");
    }

    private static JsonObject nextError(RawSocket socket) throws Exception {
        while (true) {
            JsonObject frame = new JsonObject(socket.read().text());
            if ("error".equals(frame.getString("event"))) {
                return frame.getJsonObject("data");
            }
        }
    }

    private static void assertRateLimited(TestSocket socket, String id, String event) throws InterruptedException {
        JsonObject error = socket.reply(id);
        assertEquals("error", error.getString("event"));
        assertEquals("rate_limited", error.getJsonObject("data").getString("code"));
        assertEquals(event, error.getJsonObject("data").getString("event"));
    }

    private static String group(TestUser owner, TestUser... others) {
        return owner.api().contentType(ContentType.JSON)
                .body(Map.of("participantIds", Arrays.stream(others).map(TestUser::id).toList(), "name", "g"))
                .post("/chat").then().statusCode(201).extract().path("id");
    }

    private static void awaitTrue(BooleanSupplier condition, String what) {
        dev.parley.testsupport.Await.until(what, TestSocket.WAIT, condition);
    }

    private TestSocket connect(TestUser user) throws Exception {
        return TestSocket.connect(vertx, ws, user.token());
    }
}
