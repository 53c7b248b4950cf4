package dev.parley.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.parley.testsupport.TestJwksResource;
import dev.parley.testsupport.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;

/**
 * HTTP/2 clients get what HTTP/1.1 clients get (issue 15: every GET was a 500): each method on
 * each upstream, with the JDK's client (h2c upgrade, then HTTP/2 on the same connection) and
 * Vert.x's (HTTP/2 with prior knowledge, no upgrade), bodies and request lines intact.
 */
@QuarkusTest
@WithTestResource(StandInUpstreams.class)
@WithTestResource(TestJwksResource.class)
class Http2Test extends StandInUpstreamTest {

    record Case(String method, String path, String upstream, String body) {
    }

    /** Each upstream, each method; auth's public sign-in route and its protected ones alike. */
    private static final List<Case> CASES = List.of(
            new Case("GET", "/auth/jwks", "auth", ""),
            new Case("POST", "/auth/login", "auth", "{\"username\":\"alice\"}"),
            new Case("PUT", "/auth/sessions/s1", "auth", "{\"name\":\"laptop\"}"),
            new Case("DELETE", "/auth/sessions/s1", "auth", ""),
            new Case("GET", "/user/me", "user", ""),
            new Case("POST", "/user/lookup", "user", "{\"usernames\":[\"bob\"]}"),
            new Case("PUT", "/user/status", "user", "{\"status\":\"away\"}"),
            new Case("DELETE", "/user/me/avatar", "user", ""),
            new Case("GET", "/chat/c1?limit=20", "chat", ""),
            new Case("POST", "/chat/message", "chat", "{\"chatId\":\"c1\",\"content\":\"hi\"}"),
            new Case("PUT", "/chat/c1/read", "chat", "{\"seq\":7}"),
            new Case("DELETE", "/chat/c1/members/64b7", "chat", ""));

    private static Vertx vertx;

    @BeforeAll
    static void startVertx() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stopVertx() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void theJdkClientUpgradingToHttp2GetsEveryMethodOnEveryUpstreamThrough() throws Exception {
        String token = TestTokens.user(Client.ALICE, "alice");
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2)
                .connectTimeout(Duration.ofSeconds(5)).build();
        // twice round: the first request upgrades the connection (h2c), every later one is HTTP/2
        for (int round = 0; round < 2; round++) {
            for (Case c : CASES) {
                HttpRequest.BodyPublisher body = c.body().isEmpty() ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(c.body());
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(gateway.resolve(c.path()))
                        .timeout(Duration.ofSeconds(10))
                        .header("Authorization", "Bearer " + token)
                        .header("Content-Type", "application/json")
                        .method(c.method(), body).build(), HttpResponse.BodyHandlers.ofString());
                String what = c.method() + " " + c.path() + " (round " + round + ")";
                assertEquals(200, response.statusCode(), what + ": " + response.body());
                if (round > 0) {
                    assertEquals(HttpClient.Version.HTTP_2, response.version(), what);
                }
                assertEquals(c.upstream(), new JsonObject(response.body()).getString("upstream"), what);
                assertArrived(c, token, what);
            }
        }
    }

    @Test
    void vertxWithPriorKnowledgeGetsEveryMethodOnEveryUpstreamThrough() throws Exception {
        String token = TestTokens.user(Client.ALICE, "alice");
        io.vertx.core.http.HttpClient http = vertx.createHttpClient(new HttpClientOptions()
                .setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false)
                .setConnectTimeout(5_000));
        try {
            for (Case c : CASES) {
                RequestOptions options = new RequestOptions().setHost(gateway.getHost()).setPort(gateway.getPort())
                        .setMethod(HttpMethod.valueOf(c.method())).setURI(c.path()).setIdleTimeout(10_000)
                        .putHeader("Authorization", "Bearer " + token)
                        .putHeader("Content-Type", "application/json");
                Answer answer = http.request(options)
                        .compose(request -> c.body().isEmpty() ? request.send() : request.send(Buffer.buffer(c.body())))
                        .compose(response -> response.body().map(body -> new Answer(response, body.toString())))
                        .toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
                String what = c.method() + " " + c.path();
                assertEquals(HttpVersion.HTTP_2, answer.response().version(), what);
                assertEquals(200, answer.response().statusCode(), what + ": " + answer.body());
                assertEquals(c.upstream(), new JsonObject(answer.body()).getString("upstream"), what);
                assertArrived(c, token, what);
            }
        } finally {
            http.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    private record Answer(HttpClientResponse response, String body) {
    }

    private void assertArrived(Case c, String token, String what) throws InterruptedException {
        StandInUpstreams.Received got = upstreams.next();
        assertEquals(c.upstream(), got.upstream(), what);
        assertEquals(c.method() + " " + c.path(), got.method() + " " + got.uri(), what);
        assertEquals(c.body(), got.body(), what);
        assertEquals("Bearer " + token, got.header("Authorization"), what);
    }
}
