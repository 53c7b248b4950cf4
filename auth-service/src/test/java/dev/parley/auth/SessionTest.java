package dev.parley.auth;

import static dev.parley.testsupport.OpenApiContract.api;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.time.Instant;
import java.util.Date;
import java.util.HashSet;
import java.util.Map;

import org.bson.Document;
import org.junit.jupiter.api.Test;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;

import dev.parley.testsupport.EmbeddedMongo;
import dev.parley.testsupport.EmbeddedMongoResource;
import dev.parley.testsupport.InjectEmbeddedMongo;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

/** Refresh rotation, reuse detection, logout and logout-all. */
@QuarkusTest
@WithTestResource(value = EmbeddedMongoResource.class, initArgs = @ResourceArg(name = "database", value = "auth"))
class SessionTest {

    @InjectEmbeddedMongo
    EmbeddedMongo store;

    @Test
    void refreshRotatesBothTokensAndTheOldRefreshTokenStopsWorking() {
        JsonPath first = Accounts.register(Accounts.uniqueName("gina"));

        JsonPath second = Accounts.refresh(first.getString("refreshToken"))
                .then().statusCode(200)
                .body("user.id", equalTo(first.getString("user.id")))
                .body("refreshToken", not(equalTo(first.getString("refreshToken"))))
                .extract().jsonPath();
        assertNotEquals(first.getString("accessToken"), second.getString("accessToken"));

        // the successor works once more
        Accounts.refresh(second.getString("refreshToken")).then().statusCode(200);
        // a live session has no family record: sessions from before records existed work alike
        assertEquals(0, store.count("refresh_families",
                new Document("userId", first.getString("user.id"))));
    }

    @Test
    void reusingARefreshTokenRevokesTheWholeSession() {
        JsonPath login = Accounts.register(Accounts.uniqueName("hank"));
        String stolen = login.getString("refreshToken");
        String rotated = Accounts.refresh(stolen).then().statusCode(200).extract().path("refreshToken");
        String newest = Accounts.refresh(rotated).then().statusCode(200).extract().path("refreshToken");

        Accounts.refresh(stolen).then().statusCode(401).contentType("application/problem+json")
                .body("code", equalTo("invalid_refresh_token"));
        // every token descended from that login is now dead, including the legitimate newest one
        Accounts.refresh(newest).then().statusCode(401).body("code", equalTo("invalid_refresh_token"));
    }

    @Test
    void reuseRevokesOnlyThatSession() {
        String name = Accounts.uniqueName("ivy");
        Accounts.register(name);
        String otherSession = Accounts.login(name).getString("refreshToken");
        String stolen = Accounts.login(name).getString("refreshToken");
        Accounts.refresh(stolen).then().statusCode(200);
        Accounts.refresh(stolen).then().statusCode(401);

        Accounts.refresh(otherSession).then().statusCode(200);
    }

    @Test
    void aTokenIsRefusedOnceItsSessionIsRevokedEvenWhenTheRevocationNeverReachedTheToken() {
        JsonPath login = Accounts.register(Accounts.uniqueName("iris"));
        String familyId = store.findRaw("refresh_tokens", new Document("userId", login.getString("user.id")))
                .getString("familyId");
        // a revocation that stopped after its first write: the family is revoked, the token not yet
        store.database().getCollection("refresh_families")
                .insertOne(new Document("_id", familyId).append("revokedAt", new Date()));

        Accounts.refresh(login.getString("refreshToken")).then().statusCode(401)
                .body("code", equalTo("invalid_refresh_token"));
    }

    @Test
    void revokingASessionRecordsItOnItsFamilyWithTheSessionsExpiry() {
        JsonPath login = Accounts.register(Accounts.uniqueName("ivo"));
        String userId = login.getString("user.id");
        Document token = store.findRaw("refresh_tokens", new Document("userId", userId));
        api().contentType(ContentType.JSON).body(Map.of("refreshToken", login.getString("refreshToken")))
                .post("/auth/logout").then().statusCode(204);
        Document family = store.findRaw("refresh_families", new Document("_id", token.getString("familyId")));
        Date revokedAt = family.getDate("revokedAt");

        assertEquals(userId, family.getString("userId"));
        assertEquals(token.getDate("expiresAt"), family.getDate("expiresAt"));
        // revoking again keeps the first revocation time
        api().contentType(ContentType.JSON).body(Map.of("refreshToken", login.getString("refreshToken")))
                .post("/auth/logout").then().statusCode(204);
        assertEquals(revokedAt, store.findRaw("refresh_families",
                new Document("_id", token.getString("familyId"))).getDate("revokedAt"));
    }

    @Test
    void unknownAndExpiredRefreshTokensAreRejected() {
        Accounts.refresh("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA").then().statusCode(401)
                .body("code", equalTo("invalid_refresh_token"));

        JsonPath login = Accounts.register(Accounts.uniqueName("jack"));
        store.database().getCollection("refresh_tokens").updateMany(
                Filters.eq("userId", login.getString("user.id")), Updates.set("expiresAt", Instant.now().minusSeconds(1)));
        Accounts.refresh(login.getString("refreshToken")).then().statusCode(401);
    }

    @Test
    void rotationKeepsTheSessionsAbsoluteExpiry() {
        JsonPath login = Accounts.register(Accounts.uniqueName("kate"));
        String userId = login.getString("user.id");
        Accounts.refresh(login.getString("refreshToken")).then().statusCode(200);

        var expiries = store.database().getCollection("refresh_tokens").find(Filters.eq("userId", userId))
                .map(d -> d.getDate("expiresAt")).into(new HashSet<>());
        assertEquals(1, expiries.size(), "successor inherits the family's expiry");
    }

    @Test
    void logoutRevokesThatSessionOnly() {
        String name = Accounts.uniqueName("liam");
        JsonPath first = Accounts.register(name);
        JsonPath second = Accounts.login(name);

        api().contentType(ContentType.JSON).body(Map.of("refreshToken", first.getString("refreshToken")))
                .post("/auth/logout").then().statusCode(204);

        Accounts.refresh(first.getString("refreshToken")).then().statusCode(401);
        Accounts.refresh(second.getString("refreshToken")).then().statusCode(200);
        // logging out twice, or with an unknown token, is harmless
        api().contentType(ContentType.JSON).body(Map.of("refreshToken", first.getString("refreshToken")))
                .post("/auth/logout").then().statusCode(204);
        api().contentType(ContentType.JSON).body(Map.of()).post("/auth/logout").then().statusCode(400)
                .body("errors.field[0]", equalTo("refreshToken"));
    }

    @Test
    void logoutAllRevokesEverySessionOfTheCallerOnly() {
        String name = Accounts.uniqueName("mia");
        JsonPath first = Accounts.register(name);
        JsonPath second = Accounts.login(name);
        JsonPath someoneElse = Accounts.register(Accounts.uniqueName("ned"));

        api().auth().oauth2(second.getString("accessToken")).post("/auth/logout-all").then().statusCode(204);

        Accounts.refresh(first.getString("refreshToken")).then().statusCode(401);
        Accounts.refresh(second.getString("refreshToken")).then().statusCode(401);
        Accounts.refresh(someoneElse.getString("refreshToken")).then().statusCode(200);
        assertEquals(0, store.count("refresh_tokens",
                new Document("userId", first.getString("user.id")).append("revokedAt", null)));
        // both sessions are revoked at family level first
        assertEquals(2, store.count("refresh_families",
                new Document("userId", first.getString("user.id")).append("revokedAt", new Document("$ne", null))));
    }
}
