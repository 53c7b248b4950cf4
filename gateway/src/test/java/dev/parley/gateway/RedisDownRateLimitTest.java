package dev.parley.gateway;

import static dev.parley.gateway.Client.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.parley.testsupport.TestJwksResource;
import dev.parley.testsupport.TestRedis;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** Shared limits configured, Redis unreachable from the start: sign-ins are still answered, and limited per replica. */
@QuarkusTest
@TestProfile(RedisDownRateLimitTest.NoRedis.class)
@WithTestResource(StandInUpstreams.class)
@WithTestResource(TestJwksResource.class)
class RedisDownRateLimitTest {

    public static class NoRedis implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> overrides = new HashMap<>();
            for (String key : new String[] {"sign-in-requests", "sign-in-burst"}) {
                overrides.put("parley.gateway.rate-limit." + key, "2");
                overrides.put("%test.parley.gateway.rate-limit." + key, "2");
            }
            overrides.put("parley.gateway.rate-limit.sign-in-period", "PT1H");
            overrides.put("parley.gateway.redis.enabled", "true");
            overrides.put("quarkus.redis.hosts", "redis://127.0.0.1:" + TestRedis.freePort()); // nothing listens there
            return overrides;
        }
    }

    @Test
    void withoutRedisTheReplicasOwnBucketsDecideAndNothingFails() {
        given().contentType("application/json").body("{}").post("/auth/login").then().statusCode(200);
        given().contentType("application/json").body("{}").post("/auth/login").then().statusCode(200);
        given().contentType("application/json").body("{}").post("/auth/login").then().statusCode(429)
                .body("code", equalTo("rate_limited"));
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("parley_gateway_rate_limit_redis_up 0.0"))
                .body(containsString("parley_gateway_rate_limit_local_checks_total 3.0"));
    }
}
