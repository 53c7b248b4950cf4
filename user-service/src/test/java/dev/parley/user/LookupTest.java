package dev.parley.user;

import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.parley.testsupport.EmbeddedMongoResource;
import dev.parley.testsupport.TestJwksResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

@QuarkusTest
@WithTestResource(value = EmbeddedMongoResource.class, initArgs = @ResourceArg(name = "database", value = "users"))
@WithTestResource(TestJwksResource.class)
class LookupTest {

    @Test
    void anyUserSeesAnotherUsersPublicProfileWithoutTheEmail() {
        String id = Users.newId();
        String name = Users.uniqueName("public");
        Users.provision(id, name);
        Users.as(id, name).contentType(ContentType.JSON).body(Map.of("status", "away")).put("/user/status")
                .then().statusCode(200);

        Users.asSomeone().get("/user/{id}", id)
                .then().statusCode(200).contentType(ContentType.JSON)
                .body("id", equalTo(id))
                .body("username", equalTo(name))
                .body("profilePic", nullValue())
                .body("status", equalTo("away"))
                .body("lastSeen", not(nullValue()))
                .body("$", not(hasKey("email")));
    }

    @ParameterizedTest(name = "id ''{0}'' is not found")
    @ValueSource(strings = {
            "665f1c2ab3e4d5f6a7b8c9d0", "not-an-object-id", "665f1c2ab3e4d5f6a7b8c9d", "ZZ5f1c2ab3e4d5f6a7b8c9d0" })
    void unknownOrMalformedIdsAre404(String id) {
        Users.asSomeone().get("/user/{id}", id)
                .then().statusCode(404).contentType("application/problem+json").body("code", equalTo("user_not_found"));
    }

    @Test
    void searchIsACaseInsensitivePrefixMatchInUsernameOrder() {
        String p = uniquePrefix();
        create(p + "_charlie");
        create(p.toUpperCase(Locale.ROOT) + "_alice");
        create(p + "_Bob");
        create("x" + p + "_notaprefix");

        for (String query : new String[] { p, p.toUpperCase(Locale.ROOT), p + "_" }) {
            Users.asSomeone().queryParam("search", query).get("/user")
                    .then().statusCode(200).contentType(ContentType.JSON)
                    .body("users.username", contains(p.toUpperCase(Locale.ROOT) + "_alice", p + "_Bob", p + "_charlie"))
                    .body("users", everyItem(not(hasKey("email"))));
        }
        Users.asSomeone().queryParam("search", p + "_b").get("/user")
                .then().statusCode(200).body("users.username", contains(p + "_Bob"));
    }

    @Test
    void searchReturnsAtMostLimitUsersAndTwentyByDefault() {
        String p = uniquePrefix();
        for (int i = 0; i < 22; i++) {
            create(String.format("%s_%02d", p, i));
        }

        Users.asSomeone().queryParam("search", p).queryParam("limit", 3).get("/user")
                .then().statusCode(200).body("users.username", contains(p + "_00", p + "_01", p + "_02"));
        Users.asSomeone().queryParam("search", p).get("/user")
                .then().statusCode(200).body("users", hasSize(20)).body("users[19].username", equalTo(p + "_19"));
        Users.asSomeone().queryParam("search", p).queryParam("limit", 50).get("/user")
                .then().statusCode(200).body("users", hasSize(22));
    }

    @Test
    void searchTreatsADotLiterally() {
        String p = uniquePrefix();
        create(p + "_a.b");
        create(p + "_axb");

        Users.asSomeone().queryParam("search", p + "_a.").get("/user")
                .then().statusCode(200).body("users.username", contains(p + "_a.b"));
    }

    @Test
    void aSearchWithNoMatchIsEmpty() {
        Users.asSomeone().queryParam("search", uniquePrefix()).get("/user")
                .then().statusCode(200).body("users", empty());
    }

    @ParameterizedTest(name = "search ''{0}'' is rejected")
    @ValueSource(strings = { "", "a b", "a*", "^a", "a$", "(a)", "é", "a123456789012345678901234567890123" })
    void invalidSearchesGive400NamingTheParameter(String search) {
        Users.asSomeone().queryParam("search", search).get("/user")
                .then().statusCode(400).contentType("application/problem+json")
                .body("code", equalTo("validation_failed"))
                .body("errors.field", hasItem("search"));
    }

    @Test
    void aMissingSearchIsRejected() {
        Users.asSomeone().get("/user")
                .then().statusCode(400).body("code", equalTo("validation_failed")).body("errors.field", hasItem("search"));
    }

    @ParameterizedTest(name = "limit {0} is rejected")
    @ValueSource(ints = { 0, 51, -1 })
    void limitsOutside1To50Give400NamingTheParameter(int limit) {
        Users.asSomeone().queryParam("search", "abc").queryParam("limit", limit).get("/user")
                .then().statusCode(400).contentType("application/problem+json")
                .body("code", equalTo("validation_failed"))
                .body("errors.field", hasItem("limit"));
    }

    /** A prefix no other test's usernames start with. */
    private static String uniquePrefix() {
        return "q" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    }

    private static void create(String username) {
        Users.provision(Users.newId(), username);
    }
}
