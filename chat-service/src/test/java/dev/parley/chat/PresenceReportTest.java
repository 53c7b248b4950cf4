package dev.parley.chat;

import static dev.parley.testsupport.OpenApiContract.api;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.net.URI;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.parley.testsupport.StandInServer;
import dev.parley.testsupport.TestSocket;
import dev.parley.testsupport.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/** Presence flows both ways between chat-service and user-service, with a service credential. */
@QuarkusTest
@ChatTestResources
@WithTestResource(PeerStandIn.class)
class PresenceReportTest {

    @TestHTTPResource("/ws")
    URI ws;

    @Inject
    Vertx vertx;

    StandInServer.Handle peers;

    @BeforeEach
    void answerTheTokenExchange() {
        peers.resetTo("/internal/service-token", 200, new JsonObject().put("accessToken", TestTokens.service("chat-service"))
                .put("tokenType", "Bearer").put("expiresIn", 300).encode());
    }

    @Test
    void theFirstSocketReportsOnlineAndTheLastReportsOfflineWithLastSeen() throws Exception {
        TestUser ann = TestUser.create("ann");
        try (TestSocket socket = TestSocket.connect(vertx, ws, ann.token())) {
            StandInServer.Received online = peers.next("/internal/users/" + ann.id());
            assertNotNull(online, "user-service told");
            assertEquals("PUT", online.method());
            assertEquals("/internal/users/" + ann.id() + "/presence", online.path());
            assertEquals("online", new JsonPath(online.body()).getString("status"));
            assertEquals("Bearer", online.authorization().split(" ")[0]);
        }
        StandInServer.Received offline = peers.next("/internal/users/" + ann.id());
        assertNotNull(offline);
        assertEquals("offline", new JsonPath(offline.body()).getString("status"));
        assertNotNull(new JsonPath(offline.body()).getString("lastSeen"));
    }

    @Test
    void aStatusStoredByUserServiceIsPushedToContacts() throws Exception {
        TestUser ann = TestUser.create("ann");
        TestUser ben = TestUser.create("ben");
        ann.directChatWith(ben);
        try (TestSocket annSocket = TestSocket.connect(vertx, ws, ann.token())) {
            api().auth().oauth2(TestTokens.service("user-service")).contentType(ContentType.JSON)
                    .body(Map.of("userId", ben.id(), "status", "away", "lastSeen", "2026-11-24T12:00:00Z"))
                    .post("/internal/presence").then().statusCode(204);
            JsonObject status = annSocket.await(f -> "user:status".equals(f.getString("event"))
                    && ben.id().equals(f.getJsonObject("data").getString("userId")), "ben away").getJsonObject("data");
            assertEquals("away", status.getString("status"));
            assertEquals("2026-11-24T12:00:00Z", status.getString("lastSeen"));
        }
        api().auth().oauth2(ann.token()).contentType(ContentType.JSON)
                .body(Map.of("userId", ann.id(), "status", "away")).post("/internal/presence").then().statusCode(403);
        api().contentType(ContentType.JSON).body(Map.of("userId", ann.id(), "status", "away"))
                .post("/internal/presence").then().statusCode(401);
    }
}
