package dev.parley.gateway;

import static dev.parley.gateway.Client.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.parley.testsupport.TestJwksResource;
import dev.parley.testsupport.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.specification.RequestSpecification;

/**
 * Limits by what they protect (issue 15, review M6), with the per-address budgets in Redis as in
 * production and the gateway behind a trusted proxy (the test client, 127.0.0.1), which says who
 * the client is in X-Forwarded-For; Quarkus' own forwarding is on as in k8s, and changes nothing.
 * Each test speaks for addresses of its own, since the budgets outlive a test.
 */
@QuarkusTest
@TestProfile(RateLimitTest.SmallLimits.class)
@WithTestResource(StandInUpstreams.class)
@WithTestResource(TestJwksResource.class)
@WithTestResource(PrivateRedis.Resource.class)
class RateLimitTest {

    /** 2 of each sign-in request and 3 other requests per hour per client, all of them available at once. */
    public static class SmallLimits implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> limits = new HashMap<>();
            for (String kind : List.of("sign-in", "register", "refresh")) {
                limits.put("parley.gateway.rate-limit." + kind + "-requests", "2");
                limits.put("parley.gateway.rate-limit." + kind + "-burst", "2");
                limits.put("parley.gateway.rate-limit." + kind + "-period", "PT1H");
            }
            limits.put("parley.gateway.rate-limit.user-requests", "3");
            limits.put("parley.gateway.rate-limit.user-burst", "3");
            limits.put("parley.gateway.rate-limit.user-period", "PT1H");
            Map<String, String> overrides = new HashMap<>(limits);
            limits.forEach((key, value) -> overrides.put("%test." + key, value)); // beat the %test defaults
            overrides.put("parley.gateway.trusted-proxies", "127.0.0.1");
            overrides.put("quarkus.http.proxy.proxy-address-forwarding", "true");
            overrides.put("quarkus.http.proxy.allow-x-forwarded", "true");
            overrides.put("quarkus.http.proxy.trusted-proxies", "127.0.0.1/32,10.0.0.0/8,fd00::/8"); // as gateway.env has it
            return overrides;
        }
    }

    StandInUpstreams.Handle upstreams;
    PrivateRedis redis;

    @TestHTTPResource("/")
    URL gateway;

    @BeforeEach
    void forgetEarlierRequests() {
        upstreams.clear();
    }

    private static RequestSpecification from(String client) {
        return given().header("X-Forwarded-For", client).contentType("application/json").body("{}");
    }

    @Test
    void aFloodFromOneAddressGets429WithRetryAfterAndAProblemBody() {
        from("203.0.113.1").post("/auth/login").then().statusCode(200);
        from("203.0.113.1").post("/auth/login").then().statusCode(200);
        String retryAfter = from("203.0.113.1").post("/auth/login")
                .then().statusCode(429).contentType("application/problem+json")
                .body("code", equalTo("rate_limited")).body("status", equalTo(429))
                .extract().header("Retry-After");
        long seconds = Long.parseLong(retryAfter);
        assertTrue(seconds > 0 && seconds <= 1800, "one attempt comes back every 30 minutes: " + seconds);
        assertEquals(2, upstreams.receivedSoFar().size(), "refused attempts never reach auth-service");

        from("203.0.113.99").post("/auth/login").then().statusCode(200); // another address has its own budget
    }

    @Test
    void signInRegistrationAndRefreshEachHaveABudgetOfTheirOwn() {
        String client = "203.0.113.2";
        for (String path : List.of("/auth/login", "/auth/register", "/auth/refresh")) {
            from(client).post(path).then().statusCode(200);
            from(client).post(path).then().statusCode(200);
            from(client).post(path).then().statusCode(429).body("code", equalTo("rate_limited"));
        }
        assertEquals(6, upstreams.receivedSoFar().size(), "sign-ins spent did not take refreshes with them (review M6)");
    }

    @Test
    void ipv6AddressesInOneSlash64ShareABudgetAndAnotherSlash64DoesNot() {
        from("2001:db8:1:2::a").post("/auth/login").then().statusCode(200);
        from("2001:db8:1:2:ffff:ffff:ffff:ffff").post("/auth/login").then().statusCode(200);
        from("2001:db8:1:2::c").post("/auth/login").then().statusCode(429);
        from("2001:db8:1:3::a").post("/auth/login").then().statusCode(200);
    }

    @Test
    void xForwardedForFromAnUntrustedPeerIsIgnored() throws Exception {
        // 127.0.0.2 is not a trusted proxy: its header claims a new address every time, and counts for nothing
        assertEquals(200, loginFrom("127.0.0.2", "198.51.100.1"));
        assertEquals("127.0.0.2", upstreams.next().header("X-Forwarded-For"), "services learn the peer, not the claim");
        assertEquals(200, loginFrom("127.0.0.2", "198.51.100.2"));
        assertEquals(429, loginFrom("127.0.0.2", "198.51.100.3"));
    }

    @Test
    void xForwardedForFromATrustedPeerIsHonouredFromTheRight() throws Exception {
        // the client wrote "192.0.2.1" itself; the trusted proxy appended the address it saw
        from("192.0.2.1, 198.51.100.50").post("/auth/login").then().statusCode(200);
        assertEquals("198.51.100.50", upstreams.next().header("X-Forwarded-For"));
        from("192.0.2.2, 198.51.100.50").post("/auth/login").then().statusCode(200);
        from("192.0.2.3, 198.51.100.50").post("/auth/login").then().statusCode(429); // a new claim is no new budget
        assertEquals(200, loginFrom("127.0.0.1", "198.51.100.51"), "the same over a raw socket from the proxy's address");
    }

    @Test
    void theSharedBudgetIsOneRedisKeyPerClientThatExpires() throws IOException {
        from("203.0.113.5").post("/auth/login").then().statusCode(200);
        String ttl = redis.command("PTTL", "parley:gateway:rate:login:203.0.113.5");
        long millis = Long.parseLong(ttl.substring(1));
        assertTrue(millis > 0 && millis <= 3_600_000, "gone once the bucket would be full again (one hour here): " + ttl);
    }

    @Test
    void otherRequestsArePerUser() {
        String alice = TestTokens.user("64b7f0c2a1b2c3d4e5f6aaaa", "carol");
        String bob = TestTokens.user("64b7f0c2a1b2c3d4e5f6bbbb", "dave");
        for (int i = 0; i < 3; i++) {
            given().auth().oauth2(alice).get("/user/me").then().statusCode(200);
        }
        String retryAfter = given().auth().oauth2(alice).get("/chat/c1").then().statusCode(429)
                .body("code", equalTo("rate_limited")).extract().header("Retry-After");
        assertTrue(Long.parseLong(retryAfter) > 0);
        assertEquals(3, upstreams.receivedSoFar().size());

        given().auth().oauth2(bob).get("/user/me").then().statusCode(200); // someone else's budget is untouched
    }

    /** A login over a socket of our own from {@code localAddress} (any 127/8 address reaches the gateway); its status. */
    private int loginFrom(String localAddress, String forwardedFor) throws IOException {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(localAddress, 0));
            socket.connect(new InetSocketAddress("127.0.0.1", gateway.getPort()), 5000);
            socket.setSoTimeout(10_000);
            String request = "POST /auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 2\r\nConnection: close\r\nX-Forwarded-For: " + forwardedFor + "\r\n\r\n{}";
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String status = new String(in.readNBytes(12), StandardCharsets.US_ASCII); // "HTTP/1.1 200"
            return Integer.parseInt(status.substring(9, 12));
        }
    }
}
