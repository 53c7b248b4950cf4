package dev.parley.user;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.parley.testsupport.EmbeddedMongo;
import dev.parley.testsupport.EmbeddedMongoResource;
import dev.parley.testsupport.InjectEmbeddedMongo;
import dev.parley.testsupport.TestJwksResource;
import dev.parley.user.presence.StatusChanged;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

@QuarkusTest
@WithTestResource(value = EmbeddedMongoResource.class, initArgs = @ResourceArg(name = "database", value = "users"))
@WithTestResource(TestJwksResource.class)
class StatusTest {

    @InjectEmbeddedMongo
    EmbeddedMongo store;

    @Inject
    RecordedStatusChanges changes;

    @Test
    void settingTheStatusStoresItWithLastSeenAndAnnouncesIt() {
        String id = Users.newId();
        String name = Users.uniqueName("status");
        Users.provision(id, name);
        Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);

        JsonPath body = setStatus(id, name, "online")
                .then().statusCode(200).contentType(ContentType.JSON)
                .body("id", equalTo(id))
                .body("username", equalTo(name))
                .body("email", equalTo(Users.emailOf(name)))
                .body("status", equalTo("online"))
                .extract().jsonPath();
        Instant after = Instant.now();

        Instant lastSeen = Instant.parse(body.getString("lastSeen"));
        assertFalse(lastSeen.isBefore(before), "lastSeen is the time of the update");
        assertFalse(lastSeen.isAfter(after), "lastSeen is the time of the update");
        assertTrue(body.getString("lastSeen").endsWith("Z"), "UTC timestamp");
        Document raw = store.findRaw("users", ProfileTest.byId(id));
        assertEquals("online", raw.getString("status"));
        assertEquals(Date.from(lastSeen), raw.getDate("lastSeen"));
        Users.as(id, name).get("/user/me").then().statusCode(200)
                .body("status", equalTo("online")).body("lastSeen", equalTo(body.getString("lastSeen")));
        assertEquals(List.of(new StatusChanged(id, "online", lastSeen)), changes.of(id));
    }

    @Test
    void everyStatusCanBeSetAndLastSeenMovesOn() {
        String id = Users.newId();
        String name = Users.uniqueName("cycle");
        Users.provision(id, name);
        Instant previous = Instant.EPOCH;

        for (String status : List.of("away", "online", "offline", "offline")) {
            String lastSeen = setStatus(id, name, status).then().statusCode(200)
                    .body("status", equalTo(status)).extract().path("lastSeen");
            Instant now = Instant.parse(lastSeen);
            assertFalse(now.isBefore(previous), "lastSeen never goes back");
            previous = now;
        }

        assertEquals(List.of("away", "online", "offline", "offline"),
                changes.of(id).stream().map(StatusChanged::status).toList());
    }

    @Test
    void settingTheStatusBeforeTheProfileExistsCreatesIt() {
        String id = Users.newId();
        String name = Users.uniqueName("early");

        setStatus(id, name, "away").then().statusCode(200)
                .body("username", equalTo(name)).body("email", equalTo(Users.emailOf(name))).body("status", equalTo("away"));

        Document raw = store.findRaw("users", ProfileTest.byId(id));
        assertEquals("away", raw.getString("status"));
        assertEquals(1, store.count("users", ProfileTest.byId(id)));
    }

    @ParameterizedTest(name = "status ''{0}'' is rejected")
    @ValueSource(strings = { "busy", "ONLINE", "Online", "", " online", "online\n" })
    void unknownStatusesGive400NamingTheField(String status) {
        String id = Users.newId();
        String name = Users.uniqueName("bad");
        Users.provision(id, name);

        setStatus(id, name, status)
                .then().statusCode(400).contentType("application/problem+json")
                .body("code", equalTo("validation_failed"))
                .body("errors.field", hasItem("status"));

        Document raw = store.findRaw("users", ProfileTest.byId(id));
        assertEquals("offline", raw.getString("status"));
        assertNull(raw.get("lastSeen"));
        assertTrue(changes.of(id).isEmpty(), "nothing announced");
    }

    @Test
    void aMissingOrNonStringStatusIsRejected() {
        String id = Users.newId();
        String name = Users.uniqueName("nostatus");
        Users.provision(id, name);

        Users.as(id, name).contentType(ContentType.JSON).body(new HashMap<>()).put("/user/status")
                .then().statusCode(400).body("code", equalTo("validation_failed")).body("errors.field", hasItem("status"));
        Users.as(id, name).contentType(ContentType.JSON).body("{\"status\": [\"online\"]}").put("/user/status")
                .then().statusCode(400).body("code", equalTo("malformed_body")).body("errors.field", hasItem("status"));

        assertEquals("offline", store.findRaw("users", ProfileTest.byId(id)).getString("status"));
    }

    private static io.restassured.response.Response setStatus(String id, String name, String status) {
        return Users.as(id, name).contentType(ContentType.JSON).body(Map.of("status", status)).put("/user/status");
    }
}
