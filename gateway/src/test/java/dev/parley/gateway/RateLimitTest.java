package dev.parley.gateway;

import static dev.parley.gateway.Client.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.parley.testsupport.TestJwksResource;
import dev.parley.testsupport.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** Signing in is limited per client IP, everything else per user; a spent limit is a 429 with Retry-After. */
@QuarkusTest
@TestProfile(RateLimitTest.SmallLimits.class)
@WithTestResource(StandInUpstreams.class)
@WithTestResource(TestJwksResource.class)
class RateLimitTest {

    /** 2 sign-in attempts and 3 other requests per hour, all of them available at once. */
    public static class SmallLimits implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> limits = Map.of(
                    "parley.gateway.rate-limit.sign-in-requests", "2",
                    "parley.gateway.rate-limit.sign-in-burst", "2",
                    "parley.gateway.rate-limit.sign-in-period", "PT1H",
                    "parley.gateway.rate-limit.user-requests", "3",
                    "parley.gateway.rate-limit.user-burst", "3",
                    "parley.gateway.rate-limit.user-period", "PT1H");
            Map<String, String> overrides = new HashMap<>(limits);
            limits.forEach((key, value) -> overrides.put("%test." + key, value)); // beat the %test defaults
            return overrides;
        }
    }

    StandInUpstreams.Handle upstreams;

    @BeforeEach
    void forgetEarlierRequests() {
        upstreams.clear();
    }

    @Test
    void signInAttemptsArePerClientIpAndSharedByRegisterLoginAndRefresh() {
        given().contentType("application/json").body("{}").post("/auth/login").then().statusCode(200);
        given().contentType("application/json").body("{}").post("/auth/register").then().statusCode(200);

        for (String path : new String[] {"/auth/login", "/auth/register", "/auth/refresh"}) {
            String retryAfter = given().contentType("application/json").body("{}").post(path)
                    .then().statusCode(429).contentType("application/problem+json")
                    .body("code", equalTo("rate_limited"))
                    .extract().header("Retry-After");
            long seconds = Long.parseLong(retryAfter);
            assertTrue(seconds > 0 && seconds <= 1800, "one attempt comes back every 30 minutes: " + seconds);
        }
        assertEquals(2, upstreams.receivedSoFar().size(), "refused attempts never reach auth-service");
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
}
