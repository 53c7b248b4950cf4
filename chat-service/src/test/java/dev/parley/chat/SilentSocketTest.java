package dev.parley.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.parley.testsupport.TestSocket;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;

/** A peer that vanished (never answers pings) is closed; a live one that answers pings is kept. */
@QuarkusTest
@ChatTestResources
class SilentSocketTest {

    @TestHTTPResource("/ws")
    URI ws;

    @Inject
    Vertx vertx;

    @Test
    void aPeerThatNeverAnswersPingsIsClosedAndALiveOneIsKept() throws Exception {
        TestUser ann = TestUser.create("ann");
        try (TestSocket live = TestSocket.connect(vertx, ws, ann.token());
                Socket dead = new Socket(ws.getHost(), ws.getPort())) {
            // a raw client: completes the upgrade, then goes silent (reads nothing, answers no ping)
            OutputStream out = dead.getOutputStream();
            out.write(("GET /ws HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: " + Base64.getEncoder().encodeToString(new byte[16])
                    + "\r\nAuthorization: Bearer " + ann.token() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            dead.setSoTimeout(15_000);
            InputStream in = dead.getInputStream();
            String status = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
            assertEquals("HTTP/1.1 101", status);

            boolean closeFrameOrEnd = false;
            int b;
            while ((b = in.read()) != -1) {
                if (b == 0x88) { // a close frame from the server
                    closeFrameOrEnd = true;
                    break;
                }
            }
            closeFrameOrEnd |= b == -1;
            assertTrue(closeFrameOrEnd, "the silent peer was closed");

            // meanwhile the live socket, whose client answers every ping, still works
            assertEquals("unknown_event", live.reply(live.send("ping", java.util.Map.of())).getJsonObject("data").getString("code"));
        }
    }
}
