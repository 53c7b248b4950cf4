package dev.parley.gateway;

import static dev.parley.gateway.Client.asAlice;
import static dev.parley.gateway.Client.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.parley.testsupport.TestJwksResource;
import dev.parley.testsupport.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Each prefix reaches its own service unchanged; nothing else is routed anywhere. */
@QuarkusTest
@WithTestResource(StandInUpstreams.class)
@WithTestResource(TestJwksResource.class)
class RoutingTest extends StandInUpstreamTest {

    record Case(String method, String path, String upstream, String body) {
    }

    @Test
    void eachPrefixReachesItsServiceWithMethodPathBodyAndHeadersIntact() throws InterruptedException {
        String token = TestTokens.user(Client.ALICE, "alice");
        List<Case> cases = List.of(
                new Case("POST", "/auth/logout-all", "auth", "{}"),
                new Case("PUT", "/user/status", "user", "{\"status\":\"away\"}"),
                new Case("GET", "/user/64b7f0c2a1b2c3d4e5f60719", "user", ""),
                new Case("POST", "/chat/message", "chat", "{\"chatId\":\"c1\",\"content\":\"hi\"}"),
                new Case("GET", "/chat/c1?before=m9&limit=20", "chat", ""),
                new Case("DELETE", "/chat/c1/members/64b7", "chat", ""));
        for (Case c : cases) {
            given().auth().oauth2(token).header("X-Request-Id", "routing-test-0001")
                    .contentType("application/json").body(c.body())
                    .request(c.method(), c.path())
                    .then().statusCode(200).body("upstream", equalTo(c.upstream()));
            StandInUpstreams.Received got = upstreams.next();
            assertEquals(c.upstream(), got.upstream(), c.path());
            assertEquals(c.method(), got.method(), c.path());
            assertEquals(c.path(), got.uri(), "path and query arrive as sent");
            assertEquals(c.body(), got.body(), c.path());
            assertEquals("Bearer " + token, got.header("Authorization"), "services verify the token again");
            assertEquals("routing-test-0001", got.header("X-Request-Id"));
            assertEquals("127.0.0.1", got.header("X-Forwarded-For"));
        }
    }

    @Test
    void internalAndUnknownPathsAre404ProblemsAndReachNoService() {
        // "/" is the web client's page (WebClientTest); nothing else outside the routes is served
        for (String path : List.of("/internal/users", "/internal", "/nope", "/authx", "/users/me", "/q/openapi", "/static/nope.js")) {
            asAlice().contentType("application/json").body("{}").post(path)
                    .then().statusCode(404).contentType("application/problem+json")
                    .body("status", equalTo(404)).body("code", equalTo("not_found"));
            given().get(path).then().statusCode(404).body("code", equalTo("not_found"));
        }
        // a prefix that tries to climb out of itself is not followed
        for (String path : List.of("/user/..%2Finternal/users", "/user/%2e%2e/internal/users", "/user/..%5Cinternal")) {
            asAlice().urlEncodingEnabled(false).get(path).then().statusCode(404).body("code", equalTo("not_found"));
        }
        assertEquals(List.of(), upstreams.receivedSoFar());
    }

    @Test
    void upstreamProblemBodiesPassThroughUntouched() {
        String body = asAlice().get("/user/problem").then().statusCode(409)
                .contentType("application/problem+json").extract().asString();
        assertEquals(StandInUpstreams.UPSTREAM_PROBLEM, body);
    }

    @Test
    void bodiesOverTheLimitAre413ProblemsAndReachNoService() throws Exception {
        String big = "{\"content\":\"" + "x".repeat(70 * 1024) + "\"}";
        asAlice().contentType("application/json").body(big).post("/chat/message")
                .then().statusCode(413).contentType("application/problem+json").body("code", equalTo("payload_too_large"));
        assertEquals(List.of(), upstreams.receivedSoFar());

        // without a Content-Length (HTTP/1.1 chunked, or HTTP/2) the limit holds too, and a body
        // within it still arrives whole
        String small = "{\"content\":\"" + "y".repeat(10 * 1024) + "\"}";
        for (HttpClient.Version version : List.of(HttpClient.Version.HTTP_1_1, HttpClient.Version.HTTP_2)) {
            HttpResponse<String> tooBig = postWithoutLength(version, big);
            assertEquals(413, tooBig.statusCode(), version.name());
            assertTrue(tooBig.body().contains("\"payload_too_large\""), tooBig.body());
            assertEquals(List.of(), upstreams.receivedSoFar(), version.name());

            assertEquals(200, postWithoutLength(version, small).statusCode(), version.name());
            assertEquals(small, upstreams.next().body(), version.name());
        }
    }

    /** A POST whose body is a stream of unknown length: no Content-Length header is sent. */
    private HttpResponse<String> postWithoutLength(HttpClient.Version version, String body) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(version).connectTimeout(Duration.ofSeconds(5)).build();
        return http.send(HttpRequest.newBuilder(gateway.resolve("/chat/message"))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + TestTokens.user(Client.ALICE, "alice"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body.getBytes())))
                .build(), HttpResponse.BodyHandlers.ofString());
    }
}
