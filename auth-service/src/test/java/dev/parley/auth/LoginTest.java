package dev.parley.auth;

import static dev.parley.testsupport.OpenApiContract.api;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.parley.testsupport.EmbeddedMongoResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

@QuarkusTest
@WithTestResource(value = EmbeddedMongoResource.class, initArgs = @ResourceArg(name = "database", value = "auth"))
class LoginTest {

    @Test
    void loginByUsernameInAnyCaseOrByEmail() {
        String name = Accounts.uniqueName("Erin");
        String id = Accounts.register(name).getString("user.id");

        api().contentType(ContentType.JSON).body(Map.of("username", name.toLowerCase(), "password", Accounts.PASSWORD))
                .post("/auth/login")
                .then().statusCode(200)
                .body("user.id", equalTo(id))
                .body("user.username", equalTo(name))
                .body("tokenType", equalTo("Bearer"));
        api().contentType(ContentType.JSON).body(Map.of("email", name.toUpperCase() + "@example.com", "password", Accounts.PASSWORD))
                .post("/auth/login")
                .then().statusCode(200).body("user.id", equalTo(id));
    }

    @Test
    void unknownUserAndWrongPasswordGiveTheSameAnswer() {
        String name = Accounts.uniqueName("frank");
        Accounts.register(name);

        Response wrongPassword = api().contentType(ContentType.JSON)
                .body(Map.of("username", name, "password", "not the password")).post("/auth/login");
        Response unknownUser = api().contentType(ContentType.JSON)
                .body(Map.of("username", "nobody_" + name, "password", "not the password")).post("/auth/login");
        Response unknownEmail = api().contentType(ContentType.JSON)
                .body(Map.of("email", "nobody_" + name + "@example.com", "password", "not the password")).post("/auth/login");

        for (Response r : new Response[] { wrongPassword, unknownUser, unknownEmail }) {
            r.then().statusCode(401).contentType("application/problem+json").header("WWW-Authenticate", "Bearer");
        }
        assertEquals(wrongPassword.asString(), unknownUser.asString());
        assertEquals(wrongPassword.asString(), unknownEmail.asString());
    }

    @Test
    void exactlyOneIdentifierIsRequired() {
        api().contentType(ContentType.JSON).body(Map.of("password", Accounts.PASSWORD)).post("/auth/login")
                .then().statusCode(400).body("code", equalTo("validation_failed"));
        api().contentType(ContentType.JSON)
                .body(Map.of("username", "a_user", "email", "a@example.com", "password", Accounts.PASSWORD))
                .post("/auth/login")
                .then().statusCode(400).body("code", equalTo("validation_failed"));
        api().contentType(ContentType.JSON).body(Map.of("username", "a_user")).post("/auth/login")
                .then().statusCode(400).body("errors.field[0]", equalTo("password"));
    }
}
