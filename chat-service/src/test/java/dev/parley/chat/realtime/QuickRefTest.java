package dev.parley.chat.realtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** A frame refused before it is read still names its request when the envelope's id comes first. */
class QuickRefTest {

    @Test
    void theEnvelopesIdIsFoundWithoutParsing() {
        assertEquals("req-1", SocketProtocol.quickRef("{\"event\":\"message:send\",\"id\":\"req-1\",\"data\":{}}"));
        assertEquals("7", SocketProtocol.quickRef("{\"id\" : \"7\", \"event\":\"sync\"}"));
    }

    @Test
    void aRefusalIsTheSameFrameTheSerializerWouldWrite() {
        io.vertx.core.json.JsonObject frame = new io.vertx.core.json.JsonObject(SocketProtocol.refusal("busy", "Too many", "r-1"));
        assertEquals("error", frame.getString("event"));
        assertEquals("busy", frame.getJsonObject("data").getString("code"));
        assertEquals("Too many", frame.getJsonObject("data").getString("message"));
        assertEquals("r-1", frame.getJsonObject("data").getString("ref"));
        assertNull(new io.vertx.core.json.JsonObject(SocketProtocol.refusal("busy", "x", null)).getJsonObject("data").getString("ref"));
    }

    @Test
    void anythingElseIsNoRefRatherThanAWrongOne() {
        assertNull(SocketProtocol.quickRef("{\"event\":\"x\",\"id\":\"a\tb\"}"), "a control character");
        assertNull(SocketProtocol.quickRef("{\"event\":\"x\",\"data\":{\"id\":\"inner\"},\"id\":\"outer\"}"), "an id inside data");
        assertNull(SocketProtocol.quickRef("{\"event\":\"x\",\"id\":42}"), "not a string");
        assertNull(SocketProtocol.quickRef("{\"event\":\"x\",\"id\":\"a\\\"b\"}"), "escapes");
        assertNull(SocketProtocol.quickRef("{\"event\":\"" + "e".repeat(300) + "\",\"id\":\"late\"}"), "past the first 256 characters");
        assertNull(SocketProtocol.quickRef("{\"event\":\"x\",\"id\":\"" + "i".repeat(65) + "\"}"), "too long");
        assertNull(SocketProtocol.quickRef("not json"));
    }
}
