package dev.parley.chat;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.parley.testsupport.TestSocket;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/**
 * What an operator watches on a replica (issue 14): sockets open, the writer's batches and queue,
 * sends shed, frames refused by each limit, and whether the store and the relay are usable.
 */
@QuarkusTest
@ChatTestResources
class MetricsTest {

    @TestHTTPResource("/ws")
    URI ws;

    @Inject
    Vertx vertx;

    private static double value(String metrics, String series) {
        // the text format may end a label set with a comma: name{a="b",} 1.0
        String pattern = series.endsWith("}")
                ? Pattern.quote(series.substring(0, series.length() - 1)) + ",?\\}"
                : Pattern.quote(series);
        Matcher m = Pattern.compile("(?m)^" + pattern + " ([0-9.Ee+-]+)$").matcher(metrics);
        assertTrue(m.find(), () -> series + " is exported; " + metrics.lines()
                .filter(l -> l.startsWith(series.substring(0, Math.max(1, series.indexOf('{'))))).toList());
        return Double.parseDouble(m.group(1));
    }

    private static String scrape() {
        return given().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    @Test
    void socketsBatchesAndRefusalsAreCounted() throws Exception {
        String before = scrape();
        TestUser ann = TestUser.create("ann");
        String chat = ann.directChatWith(TestUser.create("ben"));
        try (TestSocket socket = TestSocket.connect(vertx, ws, ann.token())) {
            JsonObject ack = socket.reply(socket.send("message:send", Map.of("chatId", chat, "content", "counted")));
            assertEquals("message:ack", ack.getString("event"));
            // user:status has a pace of its own (5 per 10 s): the sixth is refused and counted
            String last = null;
            for (int i = 0; i < 6; i++) {
                last = socket.send("user:status", Map.of("status", i % 2 == 0 ? "away" : "online"));
            }
            JsonObject refused = socket.await(f -> "error".equals(f.getString("event")), "the sixth status refused");
            assertEquals("rate_limited", refused.getJsonObject("data").getString("code"));

            String during = scrape();
            assertTrue(value(during, "parley_chat_sockets_open") >= 1, "the open socket");
            assertTrue(value(during, "parley_chat_writer_batch_size_count") >= value(before, "parley_chat_writer_batch_size_count") + 1,
                    "a batch stored");
            assertTrue(value(during, "parley_chat_frames_refused_total{limit=\"user:status\"}")
                    >= value(before, "parley_chat_frames_refused_total{limit=\"user:status\"}") + 1, "the refusal counted");
            assertTrue(last != null);
            value(during, "parley_chat_sends_shed_total{reason=\"queue_full\"}"); // exported before the first one
            assertEquals(1, value(during, "parley_chat_store_up"));
            assertEquals(1, value(during, "parley_chat_relay_up"), "Redis is off here: one replica, nothing to relay");
            value(during, "parley_chat_outbound_queued_bytes");
            value(during, "parley_chat_writer_queued_bytes");
            assertTrue(during.contains("parley_chat_writer_batch_duration_seconds_bucket"), "store write latency as a histogram");
        }
    }
}
