package dev.parley.auth;

import static dev.parley.testsupport.OpenApiContract.api;
import static org.hamcrest.Matchers.emptyOrNullString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.parley.testsupport.EmbeddedMongo;
import dev.parley.testsupport.EmbeddedMongoResource;
import dev.parley.testsupport.InjectEmbeddedMongo;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

@QuarkusTest
@WithTestResource(value = EmbeddedMongoResource.class, initArgs = @ResourceArg(name = "database", value = "auth"))
class RegisterTest {

    @InjectEmbeddedMongo
    EmbeddedMongo store;

    @Test
    void registerReturnsTheAccountAndTokens() {
        String name = Accounts.uniqueName("Alice");
        JsonPath body = api().contentType(ContentType.JSON)
                .body(Map.of("username", name, "email", name.toUpperCase() + "@Example.COM", "password", "pässwörd-long-enough"))
                .post("/auth/register")
                .then().statusCode(201).contentType(ContentType.JSON)
                .body("user.username", equalTo(name))
                .body("user.email", equalTo(name.toLowerCase() + "@example.com"))
                .body("tokenType", equalTo("Bearer"))
                .body("expiresIn", equalTo(900))
                .body("accessToken", not(emptyOrNullString()))
                .body("refreshToken", not(emptyOrNullString()))
                .extract().jsonPath();

        Document raw = store.findRaw("credentials", new Document("username", name));
        assertEquals(body.getString("user.id"), raw.getObjectId("_id").toHexString());
        assertEquals(name.toLowerCase() + "@example.com", raw.getString("email"));
        assertTrue(raw.getString("passwordHash").startsWith("$2"), "bcrypt modular crypt format");
        assertFalse(raw.toJson().contains("pässwörd"), "no plaintext password stored");
        Document session = store.findRaw("refresh_tokens", new Document("userId", body.getString("user.id")));
        assertFalse(session.toJson().contains(body.getString("refreshToken")), "refresh token stored only hashed");
    }

    @Test
    void aTakenUsernameIsRejectedWhateverItsCaseAndNothingIsWritten() {
        String name = Accounts.uniqueName("bob");
        Accounts.register(name);
        long before = store.count("credentials", new Document());

        api().contentType(ContentType.JSON)
                .body(Map.of("username", name.toUpperCase(), "email", "other-" + name + "@example.com", "password", Accounts.PASSWORD))
                .post("/auth/register")
                .then().statusCode(409).contentType("application/problem+json")
                .body("code", equalTo("username_taken"));

        assertEquals(before, store.count("credentials", new Document()));
        assertEquals(0, store.count("credentials", new Document("email", "other-" + name.toLowerCase() + "@example.com")));
    }

    @Test
    void aTakenEmailIsRejectedAndNothingIsWritten() {
        String name = Accounts.uniqueName("carol");
        Accounts.register(name);
        String other = Accounts.uniqueName("carol2");
        long before = store.count("credentials", new Document());

        api().contentType(ContentType.JSON)
                .body(Map.of("username", other, "email", name.toUpperCase() + "@EXAMPLE.com", "password", Accounts.PASSWORD))
                .post("/auth/register")
                .then().statusCode(409).body("code", equalTo("email_taken"));

        assertEquals(before, store.count("credentials", new Document()));
        assertEquals(0, store.count("credentials", new Document("username", other)));
    }

    @ParameterizedTest(name = "{0} = ''{1}'' is rejected")
    @CsvSource({
            "username, ab",
            "username, has space",
            "username, way_too_long_for_a_username_0123456789",
            "username, émile",
            "email, not-an-email",
            "email, ''",
            "password, short",
            "password, " + "x12345678901234567890123456789012345678901234567890123456789012345678901234567890"
                    + "12345678901234567890123456789012345678901234567890",
    })
    void invalidFieldsGive400NamingTheField(String field, String value) {
        Map<String, String> body = new java.util.HashMap<>(Map.of(
                "username", Accounts.uniqueName("dave"), "email", Accounts.uniqueName("dave") + "@example.com",
                "password", Accounts.PASSWORD));
        body.put(field, value);
        long before = store.count("credentials", new Document());

        api().contentType(ContentType.JSON).body(body).post("/auth/register")
                .then().statusCode(400).contentType("application/problem+json")
                .body("code", equalTo("validation_failed"))
                .body("errors.field", hasItem(field));

        assertEquals(before, store.count("credentials", new Document()));
    }

    @Test
    void missingFieldsAreNamed() {
        api().contentType(ContentType.JSON).body("{}").post("/auth/register")
                .then().statusCode(400)
                .body("errors.field", hasItem("username"))
                .body("errors.field", hasItem("email"))
                .body("errors.field", hasItem("password"));
    }

    @Test
    void malformedJsonAndMissingBodyAre400Problems() {
        api().contentType(ContentType.JSON).body("{\"username\": ").post("/auth/register")
                .then().statusCode(400).contentType("application/problem+json").body("code", equalTo("malformed_body"));
        api().contentType(ContentType.JSON).body("{\"username\": 5, \"email\": [], \"password\": {}}").post("/auth/register")
                .then().statusCode(400).body("code", equalTo("malformed_body"));
        api().contentType(ContentType.JSON).post("/auth/register")
                .then().statusCode(400).body("status", is(400));
    }
}
