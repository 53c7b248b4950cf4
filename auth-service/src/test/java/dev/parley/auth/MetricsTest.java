package dev.parley.auth;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import dev.parley.testsupport.EmbeddedMongoResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** What an operator watches: sign-ins and refreshes by outcome, requests, and the store's pool. */
@QuarkusTest
@WithTestResource(value = EmbeddedMongoResource.class, initArgs = @ResourceArg(name = "database", value = "auth"))
class MetricsTest {

    private static double value(String metrics, String series) {
        // the text format may end a label set with a comma: name{a="b",} 1.0
        String pattern = series.endsWith("}")
                ? Pattern.quote(series.substring(0, series.length() - 1)) + ",?\\}"
                : Pattern.quote(series);
        Matcher m = Pattern.compile("(?m)^" + pattern + " ([0-9.Ee+-]+)$").matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    @Test
    void signInsAndRefreshesAreCountedByOutcome() {
        String before = given().get("/q/metrics").then().statusCode(200).extract().asString();
        String name = Accounts.uniqueName("metered");
        String refresh = Accounts.register(name).getString("refreshToken");
        Accounts.login(name);
        given().contentType(ContentType.JSON).body(Map.of("username", name, "password", "wrong password"))
                .post("/auth/login").then().statusCode(401);
        Accounts.refresh(refresh).then().statusCode(200);
        Accounts.refresh(refresh).then().statusCode(401); // used twice: reuse

        String after = given().get("/q/metrics").then().statusCode(200).extract().asString();
        for (String series : new String[] { "parley_auth_sign_ins_total{outcome=\"ok\"}",
                "parley_auth_sign_ins_total{outcome=\"invalid\"}", "parley_auth_refreshes_total{outcome=\"ok\"}",
                "parley_auth_refreshes_total{outcome=\"invalid\"}" }) {
            assertTrue(value(after, series) >= value(before, series) + 1, series + " counted");
        }
        assertTrue(after.contains("http_server_requests_seconds_count{"), "requests by route");
        assertTrue(after.contains("mongodb_driver_pool_size"), "the store's connection pool");
    }
}
