package dev.parley.user;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.parley.testsupport.EmbeddedMongo;
import dev.parley.testsupport.EmbeddedMongoResource;
import dev.parley.testsupport.InjectEmbeddedMongo;
import dev.parley.testsupport.TestJwksResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

@QuarkusTest
@WithTestResource(value = EmbeddedMongoResource.class, initArgs = @ResourceArg(name = "database", value = "users"))
@WithTestResource(TestJwksResource.class)
class InternalUsersTest {

    @InjectEmbeddedMongo
    EmbeddedMongo store;

    @Test
    void createIsIdempotentById() {
        String id = Users.newId();
        String name = Users.uniqueName("Dora");
        Map<String, String> seed = Map.of("id", id, "username", name, "email", name.toUpperCase() + "@Example.com");

        Users.asAuthService().contentType(ContentType.JSON).body(seed).post("/internal/users")
                .then().statusCode(201).contentType(ContentType.JSON)
                .body("id", equalTo(id))
                .body("username", equalTo(name))
                .body("email", equalTo(Users.emailOf(name)))
                .body("profilePic", nullValue())
                .body("status", equalTo("offline"))
                .body("lastSeen", nullValue());
        Users.asAuthService().contentType(ContentType.JSON).body(seed).post("/internal/users")
                .then().statusCode(200).body("id", equalTo(id)).body("username", equalTo(name));

        assertEquals(1, store.count("users", ProfileTest.byId(id)));
        Document raw = store.findRaw("users", ProfileTest.byId(id));
        assertEquals(name.toLowerCase(), raw.getString("usernameKey"));
        assertEquals(Users.emailOf(name), raw.getString("email"));
        assertEquals("offline", raw.getString("status"));
        assertNotNull(raw.getDate("createdAt"));
    }

    @Test
    void aRepeatedCreateReturnsTheStoredProfileUnchanged() {
        String id = Users.newId();
        String name = Users.uniqueName("first");
        Users.provision(id, name);
        String other = Users.uniqueName("second");

        Users.asAuthService().contentType(ContentType.JSON)
                .body(Map.of("id", id, "username", other, "email", Users.emailOf(other))).post("/internal/users")
                .then().statusCode(200).body("username", equalTo(name)).body("email", equalTo(Users.emailOf(name)));

        assertEquals(name, store.findRaw("users", ProfileTest.byId(id)).getString("username"));
        assertEquals(0, store.count("users", new Document("username", other)));
    }

    @Test
    void concurrentCreatesOfOneUserMakeOneProfile() throws Exception {
        String id = Users.newId();
        String name = Users.uniqueName("burst");
        Map<String, String> seed = Map.of("id", id, "username", name, "email", Users.emailOf(name));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Integer> statuses = new ArrayList<>();
        try {
            List<Callable<Integer>> calls = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                calls.add(() -> Users.asAuthService().contentType(ContentType.JSON).body(seed).post("/internal/users")
                        .then().body("id", equalTo(id)).extract().statusCode());
            }
            for (Future<Integer> status : pool.invokeAll(calls)) {
                statuses.add(status.get());
            }
        } finally {
            pool.shutdownNow();
        }

        assertEquals(1, statuses.stream().filter(s -> s == 201).count(), "exactly one create: " + statuses);
        assertEquals(7, statuses.stream().filter(s -> s == 200).count(), "the rest return it: " + statuses);
        assertEquals(1, store.count("users", ProfileTest.byId(id)));
    }

    @Test
    void aUsernameTakenByAnotherIdIsAConflictWhateverItsCase() {
        String name = Users.uniqueName("Owner");
        Users.provision(Users.newId(), name);
        String id = Users.newId();

        Users.asAuthService().contentType(ContentType.JSON)
                .body(Map.of("id", id, "username", name.toLowerCase(), "email", "other-" + Users.emailOf(name)))
                .post("/internal/users")
                .then().statusCode(409).contentType("application/problem+json").body("code", equalTo("username_taken"));

        assertEquals(0, store.count("users", ProfileTest.byId(id)));
    }

    @Test
    void anEmailTakenByAnotherIdIsAConflictWhateverItsCase() {
        String name = Users.uniqueName("mail");
        Users.provision(Users.newId(), name);
        String id = Users.newId();

        Users.asAuthService().contentType(ContentType.JSON)
                .body(Map.of("id", id, "username", Users.uniqueName("other"), "email", Users.emailOf(name).toUpperCase()))
                .post("/internal/users")
                .then().statusCode(409).contentType("application/problem+json").body("code", equalTo("email_taken"));

        assertEquals(0, store.count("users", ProfileTest.byId(id)));
    }

    @ParameterizedTest(name = "{0} = ''{1}'' is rejected")
    @CsvSource({
            "id, not-an-object-id",
            "id, 665f1c2ab3e4d5f6a7b8c9d",
            "id, 665f1c2ab3e4d5f6a7b8c9d0a",
            "id, ''",
            "username, ab",
            "username, has space",
            "username, way_too_long_for_a_username_0123456789",
            "username, émile",
            "email, not-an-email",
            "email, ''",
    })
    void invalidFieldsGive400NamingTheFieldAndWriteNothing(String field, String value) {
        String name = Users.uniqueName("seed");
        Map<String, String> seed = new HashMap<>(Map.of("id", Users.newId(), "username", name, "email", Users.emailOf(name)));
        seed.put(field, value);
        long before = store.count("users", new Document());

        Users.asAuthService().contentType(ContentType.JSON).body(seed).post("/internal/users")
                .then().statusCode(400).contentType("application/problem+json")
                .body("code", equalTo("validation_failed"))
                .body("errors.field", hasItem(field));

        assertEquals(before, store.count("users", new Document()));
    }

    @Test
    void missingFieldsAreNamed() {
        Users.asAuthService().contentType(ContentType.JSON).body("{}").post("/internal/users")
                .then().statusCode(400)
                .body("errors.field", hasItem("id"))
                .body("errors.field", hasItem("username"))
                .body("errors.field", hasItem("email"));
    }
}
