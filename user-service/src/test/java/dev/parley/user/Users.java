package dev.parley.user;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.bson.types.ObjectId;

import dev.parley.testsupport.OpenApiContract;
import dev.parley.testsupport.TestTokens;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;

/** Test-side shortcuts: users, their tokens, and the API as they call it. */
final class Users {

    private static final AtomicInteger SEQ = new AtomicInteger();

    private Users() {
    }

    static String newId() {
        return new ObjectId().toHexString();
    }

    /** A username no other test uses (3-32 of A-Z a-z 0-9 _ . -). */
    static String uniqueName(String prefix) {
        return prefix + "_" + System.nanoTime() % 1_000_000 + "_" + SEQ.incrementAndGet();
    }

    static String emailOf(String username) {
        return username.toLowerCase(Locale.ROOT) + "@example.com";
    }

    /** A user token as auth-service issues it: sub, upn and email. */
    static String token(String userId, String username) {
        return TestTokens.builder(userId, username).claims(Map.of("email", emailOf(username))).sign();
    }

    /** The API as that user calls it. */
    static RequestSpecification as(String userId, String username) {
        return api(token(userId, username));
    }

    /** The API called with this bearer token. */
    static RequestSpecification api(String token) {
        return OpenApiContract.api().auth().oauth2(token);
    }

    /** Any signed-in user (for lookups). */
    static RequestSpecification asSomeone() {
        return as(newId(), uniqueName("viewer"));
    }

    static RequestSpecification asAuthService() {
        return api(TestTokens.service("auth-service"));
    }

    /** chat-service, which reports presence. */
    static RequestSpecification asChatService() {
        return api(TestTokens.service("chat-service"));
    }

    /** Creates a profile the way auth-service does at registration. */
    static JsonPath provision(String userId, String username) {
        return asAuthService().contentType(ContentType.JSON)
                .body(Map.of("id", userId, "username", username, "email", emailOf(username)))
                .post("/internal/users")
                .then().statusCode(201).extract().jsonPath();
    }
}
