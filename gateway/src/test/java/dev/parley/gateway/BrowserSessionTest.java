package dev.parley.gateway;

import static dev.parley.gateway.Client.asAlice;
import static dev.parley.gateway.Client.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.parley.testsupport.TestJwksResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.vertx.core.json.JsonObject;

/**
 * The web client's session: the gateway keeps its refresh token in an httpOnly cookie, moves it
 * between cookie and auth-service's JSON, and lets only the allowed origins use it.
 */
@QuarkusTest
@WithTestResource(StandInUpstreams.class)
@WithTestResource(TestJwksResource.class)
class BrowserSessionTest extends StandInUpstreamTest {

    static final String TOKEN = "rt-00000000000000000042";

    /** A request as the page sends it: marked as the web client, from the gateway's own origin. */
    private RequestSpecification web() {
        return given().header("X-Parley-Client", "web").header("Origin", "http://" + gateway.getHost() + ":" + gateway.getPort());
    }

    @Test
    void signingInPutsTheRefreshTokenIntoAnHttpOnlyStrictCookieAndOutOfTheBody() throws Exception {
        for (String path : List.of("/auth/login", "/auth/register")) {
            String sent = "{\"username\":\"alice\",\"password\":\"correct horse\"}";
            ExtractableResponse<Response> answer = web().contentType("application/json").body(sent).post(path)
                    .then().statusCode(200)
                    .body("accessToken", startsWith("access-"))
                    .body("refreshToken", nullValue())
                    .header("Cache-Control", "no-store")
                    .extract();
            String cookie = answer.header("Set-Cookie");
            assertTrue(cookie.matches("parley_refresh=rt-\\d{20}; Max-Age=2592000; Expires=[^;]+; Path=/auth; Secure; HTTPOnly;"
                    + " SameSite=Strict"), cookie);
            StandInUpstreams.Received got = upstreams.next();
            assertEquals(path, got.uri());
            assertEquals(sent, got.body(), "sign-in bodies pass as sent");
        }
    }

    @Test
    void refreshSendsTheCookiesTokenToAuthServiceAndRotatesTheCookie() throws Exception {
        String cookie = web().cookie("parley_refresh", TOKEN).post("/auth/refresh")
                .then().statusCode(200)
                .body("accessToken", startsWith("access-"))
                .body("refreshToken", nullValue())
                .extract().header("Set-Cookie");
        assertTrue(cookie.startsWith("parley_refresh=rt-") && !cookie.startsWith("parley_refresh=" + TOKEN + ";"), cookie);
        StandInUpstreams.Received got = upstreams.next();
        assertEquals(TOKEN, new JsonObject(got.body()).getString("refreshToken"));
        assertEquals("application/json", got.header("Content-Type"));
        assertNull(got.header("Cookie"), "the cookie stays at the gateway");
    }

    @Test
    void withoutACookieThereIsNoSessionAndNoCallToAuthService() {
        web().post("/auth/refresh").then().statusCode(401).contentType("application/problem+json")
                .body("code", equalTo("invalid_refresh_token"))
                .header("Set-Cookie", startsWith("parley_refresh=; Max-Age=0;"));
        web().cookie("parley_refresh", "not a token!").post("/auth/refresh").then().statusCode(401);
        web().post("/auth/logout").then().statusCode(204).header("Set-Cookie", startsWith("parley_refresh=; Max-Age=0;"));
        assertEquals(List.of(), upstreams.receivedSoFar());
    }

    @Test
    void aRefusedRefreshClearsTheCookie() throws Exception {
        web().cookie("parley_refresh", StandInUpstreams.REVOKED).post("/auth/refresh")
                .then().statusCode(401).body("code", equalTo("invalid_refresh_token"))
                .header("Set-Cookie", startsWith("parley_refresh=; Max-Age=0;"));
        upstreams.next();
    }

    @Test
    void logoutEndsTheSessionAtAuthServiceAndClearsTheCookie() throws Exception {
        web().cookie("parley_refresh", TOKEN).post("/auth/logout")
                .then().statusCode(200).header("Set-Cookie", startsWith("parley_refresh=; Max-Age=0;"));
        assertEquals(TOKEN, new JsonObject(upstreams.next().body()).getString("refreshToken"));
    }

    @Test
    void onlyTheGatewaysOwnOrListedOriginsMayUseTheCookie() throws Exception {
        for (String origin : List.of("https://evil.example", "null", "http://localhost:1")) {
            for (String path : List.of("/auth/refresh", "/auth/logout", "/auth/login")) {
                given().header("X-Parley-Client", "web").header("Origin", origin).cookie("parley_refresh", TOKEN)
                        .contentType("application/json").body("{}").post(path)
                        .then().statusCode(403).body("code", equalTo("forbidden_origin"))
                        .header("Set-Cookie", nullValue());
            }
        }
        // no Origin at all: not a browser's same-origin request either
        given().header("X-Parley-Client", "web").cookie("parley_refresh", TOKEN).post("/auth/refresh").then().statusCode(403);
        assertEquals(List.of(), upstreams.receivedSoFar());

        given().header("X-Parley-Client", "web").header("Origin", HeadersAndCorsTest.LISTED).cookie("parley_refresh", TOKEN)
                .post("/auth/refresh").then().statusCode(200)
                .header("Access-Control-Allow-Origin", HeadersAndCorsTest.LISTED);
        upstreams.next();
    }

    @Test
    void otherClientsKeepTheJsonContractAndTheirCookiesAreNeverRead() throws Exception {
        given().contentType("application/json").body("{}").post("/auth/login")
                .then().statusCode(200).body("refreshToken", startsWith("rt-")).header("Set-Cookie", nullValue());
        upstreams.next();

        given().cookie("parley_refresh", TOKEN).contentType("application/json").body("{\"refreshToken\":\"from-the-body\"}")
                .post("/auth/refresh").then().statusCode(200).body("refreshToken", startsWith("rt-"))
                .header("Set-Cookie", nullValue());
        StandInUpstreams.Received got = upstreams.next();
        assertEquals("{\"refreshToken\":\"from-the-body\"}", got.body());
        assertNull(got.header("Cookie"));

        asAlice().cookie("parley_refresh", TOKEN).get("/user/me").then().statusCode(200);
        assertNull(upstreams.next().header("Cookie"), "no service ever sees a cookie");
    }

    @Test
    void aListedOriginMayAskToSendTheClientHeader() {
        given().header("Origin", HeadersAndCorsTest.LISTED)
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "x-parley-client")
                .options("/auth/refresh")
                .then().statusCode(204)
                .header("Access-Control-Allow-Headers", org.hamcrest.Matchers.containsString("X-Parley-Client"));
    }
}
