package dev.parley.user;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.parley.testsupport.EmbeddedMongoResource;
import dev.parley.testsupport.StandInServer;
import dev.parley.testsupport.TestJwksResource;
import dev.parley.testsupport.TestTokens;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

/** Presence between user-service and chat-service: reports in, status changes out. */
@QuarkusTest
@WithTestResource(value = EmbeddedMongoResource.class, initArgs = @ResourceArg(name = "database", value = "users"))
@WithTestResource(TestJwksResource.class)
@WithTestResource(ChatStandIn.class)
class PresenceTest {

    StandInServer.Handle peers;

    @BeforeEach
    void answerTheTokenExchange() {
        peers.resetTo("/internal/service-token", 200, "{\"accessToken\":\"" + TestTokens.service("user-service")
                + "\",\"tokenType\":\"Bearer\",\"expiresIn\":300}");
    }

    @Test
    void chatServiceReportsPresenceAndStaleReportsAreIgnored() {
        String id = Users.newId();
        String name = Users.uniqueName("pam");
        Users.provision(id, name);

        report(id, "online", "2026-11-24T10:00:00Z").then().statusCode(204);
        report(id, "offline", "2026-11-24T11:00:00Z").then().statusCode(204);
        report(id, "online", "2026-11-24T10:30:00Z").then().statusCode(204); // arrived late: older than what is stored

        Users.as(id, name).get("/user/me").then().statusCode(200)
                .body("status", equalTo("offline")).body("lastSeen", equalTo("2026-11-24T11:00:00Z"));
    }

    @Test
    void onlyServicesMayReportPresence() {
        String id = Users.newId();
        String name = Users.uniqueName("quin");
        Users.provision(id, name);
        Map<String, String> body = Map.of("status", "online", "lastSeen", "2026-11-24T10:00:00Z");

        Users.as(id, name).contentType(ContentType.JSON).body(body).put("/internal/users/" + id + "/presence")
                .then().statusCode(403);
        dev.parley.testsupport.OpenApiContract.api().contentType(ContentType.JSON).body(body)
                .put("/internal/users/" + id + "/presence").then().statusCode(401);
        report(Users.newId(), "online", "2026-11-24T10:00:00Z").then().statusCode(404).body("code", equalTo("user_not_found"));
        report(id, "busy", "2026-11-24T10:00:00Z").then().statusCode(400).body("errors[0].field", equalTo("status"));
    }

    @Test
    void aStatusSetOverRestIsPassedToChatServiceWithAServiceCredential() throws Exception {
        String id = Users.newId();
        String name = Users.uniqueName("rex");
        Users.provision(id, name);

        Users.as(id, name).contentType(ContentType.JSON).body(Map.of("status", "away")).put("/user/status")
                .then().statusCode(200);

        StandInServer.Received exchange = peers.next("/internal/service-token");
        assertNotNull(exchange, "a credential was asked for");
        assertEquals("user-service", new JsonPath(exchange.body()).getString("service"));
        StandInServer.Received told = peers.next("/internal/presence");
        assertNotNull(told, "chat-service was told");
        assertEquals("Bearer", told.authorization().split(" ")[0]);
        JsonPath change = new JsonPath(told.body());
        assertEquals(id, change.getString("userId"));
        assertEquals("away", change.getString("status"));
    }

    private static io.restassured.response.Response report(String userId, String status, String lastSeen) {
        return Users.asChatService().contentType(ContentType.JSON).body(Map.of("status", status, "lastSeen", lastSeen))
                .put("/internal/users/" + userId + "/presence");
    }
}
