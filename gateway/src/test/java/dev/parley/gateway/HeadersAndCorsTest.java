package dev.parley.gateway;

import static dev.parley.gateway.Client.asAlice;
import static dev.parley.gateway.Client.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.parley.testsupport.TestJwksResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;

/** Security headers on every response, whoever produced it; CORS only for listed origins. */
@QuarkusTest
@WithTestResource(StandInUpstreams.class)
@WithTestResource(TestJwksResource.class)
class HeadersAndCorsTest {

    /** The origin listed in the test profile's parley.gateway.cors.origins. */
    static final String LISTED = "https://app.parley.test";
    static final String UNLISTED = "https://evil.example";

    static final Map<String, String> SECURITY_HEADERS = Map.of(
            "Strict-Transport-Security", "max-age=31536000; includeSubDomains",
            "X-Content-Type-Options", "nosniff",
            "X-Frame-Options", "DENY",
            "Referrer-Policy", "no-referrer",
            "Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'",
            "Cross-Origin-Resource-Policy", "same-origin");

    StandInUpstreams.Handle upstreams;

    @BeforeEach
    void forgetEarlierRequests() {
        upstreams.clear();
    }

    @Test
    void securityHeadersOnProxiedResponsesAndTheUpstreamsServerHeaderIsGone() {
        assertSecured(asAlice().get("/user/me").then().statusCode(200));
        assertSecured(asAlice().get("/user/problem").then().statusCode(409));
    }

    @Test
    void securityHeadersOnTheGatewaysOwnErrors() {
        assertSecured(given().get("/nope").then().statusCode(404));
        assertSecured(given().get("/user/me").then().statusCode(401));
        assertSecured(given().header("Origin", UNLISTED).header("Access-Control-Request-Method", "POST")
                .options("/chat/message").then().statusCode(403));
        assertSecured(given().get("/q/health/live").then().statusCode(200));
    }

    @Test
    void preflightFromAListedOriginIsAnsweredByTheGateway() {
        given().header("Origin", LISTED)
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization, content-type")
                .options("/chat/message")
                .then().statusCode(204)
                .header("Access-Control-Allow-Origin", LISTED)
                .header("Access-Control-Allow-Credentials", "true")
                .header("Access-Control-Allow-Methods", containsString("POST"))
                .header("Access-Control-Allow-Headers", containsString("Authorization"))
                .header("Access-Control-Allow-Headers", containsString("Content-Type"));
        assertEquals(List.of(), upstreams.receivedSoFar(), "preflights never reach a service");
    }

    @Test
    void preflightFromAnotherOriginIsForbiddenWithoutCorsHeaders() {
        given().header("Origin", UNLISTED).header("Access-Control-Request-Method", "POST")
                .options("/chat/message")
                .then().statusCode(403).contentType("application/problem+json")
                .body("code", equalTo("forbidden_origin"))
                .header("Access-Control-Allow-Origin", nullValue())
                .header("Access-Control-Allow-Credentials", nullValue());
        assertEquals(List.of(), upstreams.receivedSoFar());
    }

    @Test
    void actualRequestsGetCorsHeadersOnlyForListedOrigins() {
        asAlice().header("Origin", LISTED).get("/user/me").then().statusCode(200)
                .header("Access-Control-Allow-Origin", LISTED)
                .header("Access-Control-Allow-Credentials", "true")
                .header("Access-Control-Expose-Headers", containsString("X-Request-Id"))
                .header("Vary", containsString("Origin"));
        asAlice().header("Origin", UNLISTED).get("/user/me").then().statusCode(200)
                .header("Access-Control-Allow-Origin", nullValue())
                .header("Access-Control-Allow-Credentials", nullValue());
        // error answers carry them too, or a browser could not read the problem
        given().header("Origin", LISTED).get("/user/me").then().statusCode(401)
                .header("Access-Control-Allow-Origin", LISTED);
    }

    private static void assertSecured(ValidatableResponse response) {
        SECURITY_HEADERS.forEach(response::header);
        response.header("Server", nullValue()).header("X-Powered-By", nullValue());
    }
}
