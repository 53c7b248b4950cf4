package dev.parley.user;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.parley.testsupport.EmbeddedMongo;
import dev.parley.testsupport.EmbeddedMongoResource;
import dev.parley.testsupport.InjectEmbeddedMongo;
import dev.parley.testsupport.TestJwksResource;
import dev.parley.testsupport.TestTokens;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

@QuarkusTest
@WithTestResource(value = EmbeddedMongoResource.class, initArgs = @ResourceArg(name = "database", value = "users"))
@WithTestResource(TestJwksResource.class)
class ProfileTest {

    private static final String PIC = "https://cdn.example.com/avatars/a.png?size=128";

    @InjectEmbeddedMongo
    EmbeddedMongo store;

    @Test
    void meReturnsTheProfileCreatedAtRegistration() {
        String id = Users.newId();
        String name = Users.uniqueName("Alice");
        Users.provision(id, name);

        Users.as(id, name).get("/user/me")
                .then().statusCode(200).contentType(ContentType.JSON)
                .body("id", equalTo(id))
                .body("username", equalTo(name))
                .body("email", equalTo(Users.emailOf(name)))
                .body("profilePic", nullValue())
                .body("status", equalTo("offline"))
                .body("lastSeen", nullValue());
    }

    @Test
    void theStoredProfileWinsOverTheTokensClaims() {
        String id = Users.newId();
        String name = Users.uniqueName("stored");
        Users.provision(id, name);

        Users.as(id, Users.uniqueName("renamed")).get("/user/me")
                .then().statusCode(200).body("username", equalTo(name)).body("email", equalTo(Users.emailOf(name)));
    }

    @Test
    void aMissingProfileIsCreatedFromTheTokenOnFirstUse() {
        String id = Users.newId();
        String name = Users.uniqueName("Late");
        String token = TestTokens.builder(id, name).claims(Map.of("email", name.toUpperCase() + "@Example.COM")).sign();
        assertEquals(0, store.count("users", byId(id)));

        for (int i = 0; i < 2; i++) {
            Users.api(token).get("/user/me")
                    .then().statusCode(200)
                    .body("id", equalTo(id))
                    .body("username", equalTo(name))
                    .body("email", equalTo(name.toLowerCase() + "@example.com"))
                    .body("status", equalTo("offline"))
                    .body("lastSeen", nullValue());
        }

        assertEquals(1, store.count("users", byId(id)));
        Document raw = store.findRaw("users", byId(id));
        assertEquals(name.toLowerCase(), raw.getString("usernameKey"));
        assertEquals(name.toLowerCase() + "@example.com", raw.getString("email"));
    }

    @Test
    void concurrentFirstRequestsCreateOneProfile() throws Exception {
        String id = Users.newId();
        String name = Users.uniqueName("racer");
        String token = Users.token(id, name);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Integer>> calls = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                calls.add(() -> Users.api(token).get("/user/me").then().body("id", equalTo(id)).extract().statusCode());
            }
            for (Future<Integer> status : pool.invokeAll(calls)) {
                assertEquals(200, status.get());
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, store.count("users", byId(id)));
    }

    @Test
    void aTokenWithoutAnEmailCannotCreateAProfile() {
        String id = Users.newId();

        Users.api(TestTokens.user(id, Users.uniqueName("noemail"))).get("/user/me")
                .then().statusCode(404).contentType("application/problem+json").body("code", equalTo("user_not_found"));

        assertEquals(0, store.count("users", byId(id)));
    }

    @Test
    void creatingFromATokenWhoseUsernameIsTakenIsAConflict() {
        String name = Users.uniqueName("taken");
        Users.provision(Users.newId(), name);
        String other = Users.newId();

        Users.api(TestTokens.builder(other, name.toUpperCase()).claims(Map.of("email", "x" + Users.emailOf(name))).sign())
                .get("/user/me")
                .then().statusCode(409).contentType("application/problem+json").body("code", equalTo("username_taken"));

        assertEquals(0, store.count("users", byId(other)));
    }

    @Test
    void profilePicIsSetAndCleared() {
        String id = Users.newId();
        String name = Users.uniqueName("pic");
        Users.provision(id, name);

        Users.as(id, name).contentType(ContentType.JSON).body(Map.of("profilePic", PIC)).put("/user/me")
                .then().statusCode(200)
                .body("id", equalTo(id)).body("profilePic", equalTo(PIC)).body("email", equalTo(Users.emailOf(name)));
        assertEquals(PIC, store.findRaw("users", byId(id)).getString("profilePic"));
        Users.as(id, name).get("/user/me").then().statusCode(200).body("profilePic", equalTo(PIC));

        Users.as(id, name).contentType(ContentType.JSON).body("{\"profilePic\": null}").put("/user/me")
                .then().statusCode(200).body("profilePic", nullValue());
        assertNull(store.findRaw("users", byId(id)).getString("profilePic"));
    }

    @Test
    void settingAPictureBeforeTheProfileExistsCreatesIt() {
        String id = Users.newId();
        String name = Users.uniqueName("fresh");

        Users.as(id, name).contentType(ContentType.JSON).body(Map.of("profilePic", PIC)).put("/user/me")
                .then().statusCode(200).body("username", equalTo(name)).body("profilePic", equalTo(PIC));

        assertEquals(1, store.count("users", byId(id)));
    }

    @ParameterizedTest(name = "profilePic ''{0}'' is rejected")
    @ValueSource(strings = {
            "http://cdn.example.com/a.png",
            "ftp://cdn.example.com/a.png",
            "cdn.example.com/a.png",
            "/avatars/a.png",
            "https:///a.png",
            "https:a.png",
            "https://cdn.example.com/a b.png",
            "https://user:secret@cdn.example.com/a.png",
            "javascript:alert(1)",
            "",
    })
    void invalidPictureUrlsGive400NamingTheField(String url) {
        String id = Users.newId();
        String name = Users.uniqueName("badpic");
        Users.provision(id, name);

        Users.as(id, name).contentType(ContentType.JSON).body(Map.of("profilePic", url)).put("/user/me")
                .then().statusCode(400).contentType("application/problem+json")
                .body("code", equalTo("validation_failed"))
                .body("errors.field", hasItem("profilePic"));

        assertNull(store.findRaw("users", byId(id)).getString("profilePic"));
    }

    @Test
    void pictureUrlsLongerThan2048CharactersAreRejected() {
        String id = Users.newId();
        String name = Users.uniqueName("longpic");
        Users.provision(id, name);
        String prefix = "https://cdn.example.com/";
        String atLimit = prefix + "a".repeat(2048 - prefix.length());

        Users.as(id, name).contentType(ContentType.JSON).body(Map.of("profilePic", atLimit + "a")).put("/user/me")
                .then().statusCode(400).body("code", equalTo("validation_failed")).body("errors.field", hasItem("profilePic"));
        Users.as(id, name).contentType(ContentType.JSON).body(Map.of("profilePic", atLimit)).put("/user/me")
                .then().statusCode(200).body("profilePic", equalTo(atLimit));
    }

    @Test
    void aMissingBodyIsRejected() {
        String id = Users.newId();
        String name = Users.uniqueName("nobody");
        Users.provision(id, name);

        Users.as(id, name).contentType(ContentType.JSON).put("/user/me")
                .then().statusCode(400).contentType("application/problem+json").body("status", equalTo(400));
    }

    static Document byId(String id) {
        return new Document("_id", new ObjectId(id));
    }
}
