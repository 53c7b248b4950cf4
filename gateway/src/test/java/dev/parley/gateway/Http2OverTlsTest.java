package dev.parley.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.parley.testsupport.TestJwksResource;
import dev.parley.testsupport.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;

/** Where the gateway terminates TLS itself, clients get h2 by ALPN, and every method on every upstream works over it. */
@QuarkusTest
@WithTestResource(StandInUpstreams.class)
@WithTestResource(TestJwksResource.class)
@WithTestResource(SelfSignedTls.class)
class Http2OverTlsTest {

    StandInUpstreams.Handle upstreams;

    @TestHTTPResource(value = "/", tls = true)
    URI gateway;

    @BeforeEach
    void forgetEarlierRequests() {
        upstreams.clear();
    }

    @Test
    void h2OverTlsGetsEveryMethodOnEveryUpstreamThrough() throws Exception {
        String token = TestTokens.user(Client.ALICE, "alice");
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).sslContext(SelfSignedTls.trustingIt())
                .connectTimeout(Duration.ofSeconds(5)).build();
        List<String[]> cases = List.of(
                new String[] { "GET", "/auth/jwks", "auth", "" },
                new String[] { "POST", "/auth/login", "auth", "{\"username\":\"alice\"}" },
                new String[] { "GET", "/user/me", "user", "" },
                new String[] { "PUT", "/user/status", "user", "{\"status\":\"away\"}" },
                new String[] { "DELETE", "/user/me/avatar", "user", "" },
                new String[] { "GET", "/chat/c1?limit=20", "chat", "" },
                new String[] { "POST", "/chat/message", "chat", "{\"chatId\":\"c1\",\"content\":\"hi\"}" },
                new String[] { "PUT", "/chat/c1/read", "chat", "{\"seq\":7}" },
                new String[] { "DELETE", "/chat/c1/members/64b7", "chat", "" });
        for (String[] c : cases) {
            String what = c[0] + " " + c[1];
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(gateway.resolve(c[1]))
                    .timeout(Duration.ofSeconds(10))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                    .method(c[0], c[3].isEmpty() ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(c[3]))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(HttpClient.Version.HTTP_2, response.version(), what);
            assertEquals(200, response.statusCode(), what + ": " + response.body());
            assertEquals(c[2], new JsonObject(response.body()).getString("upstream"), what);
            StandInUpstreams.Received got = upstreams.next();
            assertEquals(c[0] + " " + c[1], got.method() + " " + got.uri(), what);
            assertEquals(c[3], got.body(), what);
            assertEquals("https", got.header("X-Forwarded-Proto"), what);
        }
    }
}
