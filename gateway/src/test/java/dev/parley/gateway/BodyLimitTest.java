package dev.parley.gateway;

import static dev.parley.gateway.Client.asAlice;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Reader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.parley.gateway.routing.BodyLimits;
import dev.parley.gateway.routing.Upstream;
import dev.parley.testsupport.TestJwksResource;
import dev.parley.testsupport.TestTokens;
import io.quarkus.runtime.configuration.MemorySizeConverter;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;

/**
 * Each route's body limit is its service's own (issue 15): a body the service would refuse is a
 * 413 {@code payload_too_large} problem from the gateway, on every connection and protocol, instead
 * of being half-sent and reported as {@code upstream_unavailable}; and a 413 a service sends is a
 * problem too.
 */
@QuarkusTest
@WithTestResource(StandInUpstreams.class)
@WithTestResource(TestJwksResource.class)
class BodyLimitTest extends StandInUpstreamTest {

    private static final int SIXTEEN_K = 16 * 1024;

    @Inject
    BodyLimits limits;

    @Test
    void aBodyOverItsServicesLimitButUnderTheGatewaysIsA413ProblemOnEveryConnectionAndReachesNoService() throws Exception {
        String overSixteenK = json(20 * 1024); // over auth's and user's 16K, under chat's and the gateway's 64K
        String underSixteenK = json(15 * 1024);
        for (HttpClient.Version version : List.of(HttpClient.Version.HTTP_1_1, HttpClient.Version.HTTP_2)) {
            // one client: its connections are kept alive and reused, as a browser's would be
            HttpClient http = HttpClient.newBuilder().version(version).connectTimeout(Duration.ofSeconds(5)).build();
            // the JDK's client upgrades to h2c on a request without a body; from then on it is HTTP/2
            assertEquals(200, send(http, "GET", "/chat/c1", "", true).statusCode());
            upstreams.next();
            for (int i = 0; i < 5; i++) {
                for (boolean declared : List.of(true, false)) {
                    String what = version + (declared ? " with Content-Length" : " of unknown length") + " #" + i;
                    HttpResponse<String> refused = send(http, "PUT", "/user/status", overSixteenK, declared);
                    assertEquals(version, refused.version(), what);
                    assertTooLarge(refused, SIXTEEN_K, what);
                    assertTooLarge(send(http, "POST", "/auth/login", overSixteenK, declared), SIXTEEN_K, what);
                    assertEquals(List.of(), upstreams.receivedSoFar(), what);

                    HttpResponse<String> chat = send(http, "POST", "/chat/message", overSixteenK, declared);
                    assertEquals(200, chat.statusCode(), what + ": " + chat.body());
                    assertEquals(overSixteenK, upstreams.next().body(), what);
                    HttpResponse<String> user = send(http, "PUT", "/user/status", underSixteenK, declared);
                    assertEquals(200, user.statusCode(), what + ": " + user.body());
                    assertEquals(underSixteenK, upstreams.next().body(), what);
                }
            }
            // over the gateway's own 64K, with a declared length: refused before authentication
            HttpResponse<String> overTheCap = send(http, "POST", "/chat/message", json(70 * 1024), true);
            assertEquals(version, overTheCap.version());
            assertTooLarge(overTheCap, 64 * 1024, version.toString());
            // and the connection is still good for the next request
            assertEquals(200, send(http, "GET", "/chat/c1", "", true).statusCode(), version.toString());
            upstreams.next();
            assertEquals(List.of(), upstreams.receivedSoFar());
        }
    }

    @Test
    void aBare413FromAServiceBecomesAPayloadTooLargeProblemAndItsOwnProblemPassesUntouched() {
        asAlice().contentType("application/json").body("{}").post("/user/too-large")
                .then().statusCode(413).contentType("application/problem+json")
                .body("status", equalTo(413)).body("code", equalTo("payload_too_large"))
                .body("detail", equalTo("Request bodies are limited to 16384 bytes"));
        String own = asAlice().contentType("application/json").body("{}").post("/chat/content-too-large")
                .then().statusCode(413).contentType("application/problem+json").extract().asString();
        assertEquals(StandInUpstreams.CONTENT_TOO_LARGE, own);
    }

    /** The defaults must follow the services: a service whose limit moved would bring the 503s back. */
    @Test
    void eachRoutesLimitIsItsServicesOwn() throws IOException {
        Map<Upstream, String> services = Map.of(Upstream.AUTH, "auth-service", Upstream.USER, "user-service",
                Upstream.CHAT, "chat-service");
        for (Map.Entry<Upstream, String> service : services.entrySet()) {
            Properties properties = new Properties();
            Path file = Path.of("..", service.getValue(), "src", "main", "resources", "application.properties");
            try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                properties.load(reader);
            }
            long theirs = new MemorySizeConverter().convert(properties.getProperty("quarkus.http.limits.max-body-size"))
                    .asLongValue();
            assertEquals(theirs, limits.of(service.getKey()), service.getValue());
        }
    }

    private static void assertTooLarge(HttpResponse<String> response, long limit, String what) {
        assertEquals(413, response.statusCode(), what + ": " + response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"), what);
        JsonObject problem = new JsonObject(response.body());
        assertEquals("payload_too_large", problem.getString("code"), what);
        assertEquals("Request bodies are limited to " + limit + " bytes", problem.getString("detail"), what);
    }

    private HttpResponse<String> send(HttpClient http, String method, String path, String body, boolean declared)
            throws IOException, InterruptedException {
        HttpRequest.BodyPublisher publisher = body.isEmpty() ? HttpRequest.BodyPublishers.noBody()
                : declared ? HttpRequest.BodyPublishers.ofString(body)
                : HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
        return http.send(HttpRequest.newBuilder(gateway.resolve(path))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + TestTokens.user(Client.ALICE, "alice"))
                .header("Content-Type", "application/json")
                .method(method, publisher).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String json(int size) {
        String head = "{\"content\":\"";
        return head + "x".repeat(size - head.length() - 2) + "\"}";
    }
}
