package dev.parley.user;

import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.parley.testsupport.EmbeddedMongoResource;
import dev.parley.testsupport.OpenApiContract;
import dev.parley.testsupport.TestJwksResource;
import dev.parley.testsupport.TestTokens;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/** Every endpoint verifies the access token itself and admits only its role. */
@QuarkusTest
@WithTestResource(value = EmbeddedMongoResource.class, initArgs = @ResourceArg(name = "database", value = "users"))
@WithTestResource(TestJwksResource.class)
class SecurityTest {

    /** One secured endpoint, called with a valid request body, and the role it admits. */
    record Endpoint(String name, String role, UnaryOperator<RequestSpecification> body, String method, String path) {

        Response call(RequestSpecification request) {
            return body.apply(request).request(method, path);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private static final String SOME_ID = Users.newId();

    static List<Endpoint> endpoints() {
        return List.of(
                new Endpoint("GET /user/me", "user", r -> r, "GET", "/user/me"),
                new Endpoint("PUT /user/me", "user",
                        r -> r.contentType(ContentType.JSON).body("{\"profilePic\": null}"), "PUT", "/user/me"),
                new Endpoint("PUT /user/status", "user",
                        r -> r.contentType(ContentType.JSON).body(Map.of("status", "online")), "PUT", "/user/status"),
                new Endpoint("GET /user/{id}", "user", r -> r, "GET", "/user/" + SOME_ID),
                new Endpoint("GET /user?search", "user", r -> r.queryParam("search", "abc"), "GET", "/user"),
                new Endpoint("POST /internal/users", "service", r -> r.contentType(ContentType.JSON)
                        .body(Map.of("id", Users.newId(), "username", Users.uniqueName("sec"),
                                "email", Users.uniqueName("sec") + "@example.com")),
                        "POST", "/internal/users"));
    }

    /** A token right in every way but one, for the role the endpoint admits. */
    static Stream<Arguments> rejectedTokens() {
        List<Arguments> cases = new ArrayList<>();
        for (Endpoint endpoint : endpoints()) {
            String id = Users.newId();
            String name = Users.uniqueName("intruder");
            cases.add(Arguments.of(endpoint, "tampered signature", TestTokens.tamper(valid(endpoint, id, name).sign())));
            Instant past = Instant.now().minus(Duration.ofMinutes(10)); // beyond the default 60 s clock skew
            cases.add(Arguments.of(endpoint, "expired", valid(endpoint, id, name).expiresAt(past).sign()));
            cases.add(Arguments.of(endpoint, "wrong audience", valid(endpoint, id, name).audience("other").sign()));
            cases.add(Arguments.of(endpoint, "wrong issuer", valid(endpoint, id, name).issuer("other").sign()));
            cases.add(Arguments.of(endpoint, "alg none", TestTokens.unsigned(id, name)));
            cases.add(Arguments.of(endpoint, "unknown key", valid(endpoint, id, name).keyId("unknown").untrustedKey().sign()));
            cases.add(Arguments.of(endpoint, "signed by an unpublished key under a known kid",
                    valid(endpoint, id, name).untrustedKey().sign()));
            cases.add(Arguments.of(endpoint, "not a JWT", "not-a-jwt"));
        }
        return cases.stream();
    }

    private static TestTokens.Builder valid(Endpoint endpoint, String id, String name) {
        return TestTokens.builder(id, name).groups(endpoint.role()).claims(Map.of("email", Users.emailOf(name)));
    }

    @ParameterizedTest(name = "{0} without a token is 401")
    @MethodSource("endpoints")
    void noTokenIs401(Endpoint endpoint) {
        assertUnauthorized(endpoint.call(OpenApiContract.api()));
    }

    @ParameterizedTest(name = "{0} with a token that is {1} is 401")
    @MethodSource("rejectedTokens")
    void invalidTokensAre401(Endpoint endpoint, String defect, String token) {
        assertUnauthorized(endpoint.call(Users.api(token)));
    }

    @ParameterizedTest(name = "{0} with the other role is 403")
    @MethodSource("endpoints")
    void theOtherRoleIs403(Endpoint endpoint) {
        String token = endpoint.role().equals("service")
                ? Users.token(Users.newId(), Users.uniqueName("user"))
                : TestTokens.service("auth-service");

        endpoint.call(Users.api(token))
                .then().statusCode(403).contentType("application/problem+json").body("code", equalTo("forbidden"));
    }

    /** A service credential opens only the internal endpoints that name its service (review L6). */
    @Test
    void anotherServicesCredentialIs403() {
        String id = Users.newId();
        Users.api(TestTokens.service("chat-service")).contentType(ContentType.JSON)
                .body(Map.of("id", id, "username", Users.uniqueName("sec"), "email", Users.uniqueName("sec") + "@example.com"))
                .post("/internal/users")
                .then().statusCode(403).contentType("application/problem+json").body("code", equalTo("caller_not_allowed"));
        Users.provision(id, Users.uniqueName("scoped"));
        for (String caller : List.of("auth-service", "operator")) {
            Users.api(TestTokens.service(caller)).contentType(ContentType.JSON)
                    .body(Map.of("status", "offline", "lastSeen", Instant.now().toString()))
                    .put("/internal/users/" + id + "/presence")
                    .then().statusCode(403).contentType("application/problem+json").body("code", equalTo("caller_not_allowed"));
        }
        Users.asChatService().contentType(ContentType.JSON)
                .body(Map.of("status", "offline", "lastSeen", Instant.now().toString()))
                .put("/internal/users/" + id + "/presence").then().statusCode(204);
    }

    private static void assertUnauthorized(Response response) {
        response.then().statusCode(401).contentType("application/problem+json")
                .header("WWW-Authenticate", "Bearer")
                .body("code", equalTo("unauthorized"));
    }
}
