package dev.parley.gateway;

import static dev.parley.gateway.Client.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.parley.testsupport.TestJwksResource;
import dev.parley.testsupport.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** No service sees a request to a protected route unless its token verifies here first. */
@QuarkusTest
@WithTestResource(StandInUpstreams.class)
@WithTestResource(TestJwksResource.class)
class TokenCheckTest {

    StandInUpstreams.Handle upstreams;

    @BeforeEach
    void forgetEarlierRequests() {
        upstreams.clear();
    }

    @Test
    void everyKindOfBadTokenIs401ProblemAndTheServiceNeverSeesIt() {
        String id = Client.ALICE;
        Map<String, String> bad = Map.of(
                "expired", TestTokens.builder(id, "alice").expiresAt(Instant.now().minusSeconds(120)).sign(),
                "tampered", TestTokens.tamper(TestTokens.user(id, "alice")),
                "alg none", TestTokens.unsigned(id, "alice"),
                "wrong issuer", TestTokens.builder(id, "alice").issuer("someone-else").sign(),
                "wrong audience", TestTokens.builder(id, "alice").audience("someone-else").sign(),
                "unknown kid", TestTokens.builder(id, "alice").untrustedKey().keyId("unknown-kid").sign(),
                "untrusted key, known kid", TestTokens.builder(id, "alice").untrustedKey().sign(),
                "not a jwt", "not-a-jwt");
        for (Map.Entry<String, String> token : bad.entrySet()) {
            for (String path : List.of("/user/me", "/chat/c1", "/auth/logout-all")) {
                given().auth().oauth2(token.getValue()).get(path)
                        .then().statusCode(401).contentType("application/problem+json")
                        .header("WWW-Authenticate", "Bearer")
                        .body("code", equalTo("unauthorized"));
            }
        }
        assertEquals(List.of(), upstreams.receivedSoFar(), "no upstream may see an unauthenticated request");
    }

    @Test
    void noTokenIs401ProblemOnEveryProtectedRoute() {
        for (String path : List.of("/user/me", "/chat/c1", "/auth/logout-all", "/auth/sessions", "/ws")) {
            given().get(path).then().statusCode(401).contentType("application/problem+json")
                    .header("WWW-Authenticate", "Bearer").body("code", equalTo("unauthorized"));
        }
        given().contentType("application/json").body("{}").post("/chat/message").then().statusCode(401);
        assertEquals(List.of(), upstreams.receivedSoFar());
    }

    @Test
    void publicAuthRoutesReachAuthServiceWithoutAToken() throws InterruptedException {
        for (String path : List.of("/auth/register", "/auth/login", "/auth/refresh", "/auth/logout")) {
            given().contentType("application/json").body("{\"x\":1}").post(path)
                    .then().statusCode(200).body("upstream", equalTo("auth"));
            StandInUpstreams.Received got = upstreams.next();
            assertEquals("POST " + path, got.method() + " " + got.uri());
            assertEquals("{\"x\":1}", got.body());
        }
        given().get("/auth/jwks").then().statusCode(200).body("upstream", equalTo("auth"));
        assertEquals("/auth/jwks", upstreams.next().uri());
    }

    @Test
    void anExpiredTokenDoesNotBlockRefreshingIt() throws InterruptedException {
        String expired = TestTokens.builder(Client.ALICE, "alice").expiresAt(Instant.now().minusSeconds(120)).sign();
        given().auth().oauth2(expired).contentType("application/json").body("{\"refreshToken\":\"r\"}").post("/auth/refresh")
                .then().statusCode(200);
        assertEquals("/auth/refresh", upstreams.next().uri());
    }

    @Test
    void aValidTokenIsForwardedAsIs() throws InterruptedException {
        String token = TestTokens.user(Client.BOB, "bob");
        given().auth().oauth2(token).get("/user/me").then().statusCode(200);
        assertEquals("Bearer " + token, upstreams.next().header("Authorization"));
    }
}
