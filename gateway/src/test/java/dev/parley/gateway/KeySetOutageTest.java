package dev.parley.gateway;

import static dev.parley.gateway.Client.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import dev.parley.gateway.StandInUpstreams.Outage;
import dev.parley.testsupport.TestTokens;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Review M3: the key set the gateway fetched from auth-service outlives an auth-service outage.
 * auth-service's stand-in serves the keys with {@code Cache-Control: max-age=1}, so the gateway's
 * copy expires a second after each fetch and the next request refetches; once auth-service is
 * down, that refetch fails and the gateway must go on with the keys it has (in production the
 * lifetime is auth-service's 5 minutes, and the copy is kept for 60 minutes at a time).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class KeySetOutageTest {

    /** The key set's lifetime as the stand-in sends it ({@code max-age=1}). */
    private static final Duration KEY_SET_LIFETIME = Duration.ofSeconds(1);

    StandInUpstreams.Handle upstreams;

    abstract Outage outage();

    /** The outage lasts for the rest of the class (one gateway): this test sees it begin. */
    @Test
    @Order(1)
    void tokensVerifiedBeforeAuthServiceWentDownStillVerifyAfterTheKeySetExpired() {
        String token = TestTokens.user(Client.ALICE, "alice");
        given().auth().oauth2(token).get("/chat/c1").then().statusCode(200).body("upstream", equalTo("chat"));
        assertTrue(upstreams.keySetFetches() > 0, "the key set came from auth-service");
        given().get("/q/health/ready").then().statusCode(200);

        upstreams.stopAuth();
        long stopped = System.nanoTime();
        // Until the gateway has tried to refetch (observable when auth answers 503; otherwise when
        // well past the lifetime of the last fetched copy), every request must still verify.
        long deadline = stopped + Duration.ofSeconds(15).toNanos();
        int requests = 0;
        while (!refetchFailed(stopped)) {
            assertTrue(System.nanoTime() < deadline, "the gateway never refetched the expired key set");
            given().auth().oauth2(token).get("/chat/c1").then().statusCode(200);
            requests++;
        }
        assertTrue(requests > 0);
        for (String path : new String[] { "/chat/c1", "/user/me" }) {
            given().auth().oauth2(token).get(path).then().statusCode(200);
        }
        // a fresh token signed with the same key verifies too: the keys are kept, not the tokens
        given().auth().oauth2(TestTokens.user(Client.BOB, "bob")).get("/user/me").then().statusCode(200);
        // the gateway stays ready: it still can verify
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    @Order(2)
    void aTokenWithAnUnknownKeyIdIs401WhileAuthServiceIsDownAndTheKnownKeysStillWork() {
        authDownAfterTheKeysWereFetched();
        String rotated = TestTokens.builder(Client.ALICE, "alice").untrustedKey().keyId(TestTokens.ROTATED_KEY_ID).sign();
        given().auth().oauth2(rotated).get("/chat/c1").then().statusCode(401).contentType("application/problem+json")
                .body("code", equalTo("unauthorized"));
        given().auth().oauth2(TestTokens.user(Client.ALICE, "alice")).get("/chat/c1").then().statusCode(200);
    }

    void authDownAfterTheKeysWereFetched() {
        if (upstreams.authOutage == null) {
            given().auth().oauth2(TestTokens.user(Client.ALICE, "alice")).get("/chat/c1").then().statusCode(200);
            upstreams.stopAuth();
        }
    }

    private boolean refetchFailed(long stoppedNanos) {
        if (outage() == Outage.ANSWERS_503) {
            return upstreams.keySetFetchesWhileDown() > 0;
        }
        return System.nanoTime() - stoppedNanos > KEY_SET_LIFETIME.multipliedBy(3).toNanos();
    }

    /** auth-service answers 503 to everything, its key set included. */
    @QuarkusTest
    @WithTestResource(value = StandInUpstreams.class, initArgs = {
            @ResourceArg(name = "keys-from-auth", value = "true"),
            @ResourceArg(name = "auth-outage", value = "answers-503") })
    static class WhenAuthServiceAnswers503Test extends KeySetOutageTest {
        @Override
        Outage outage() {
            return Outage.ANSWERS_503;
        }
    }

    /** auth-service is gone: its port refuses connections. */
    @QuarkusTest
    @WithTestResource(value = StandInUpstreams.class, initArgs = {
            @ResourceArg(name = "keys-from-auth", value = "true"),
            @ResourceArg(name = "auth-outage", value = "refuses-connections") })
    static class WhenAuthServiceRefusesConnectionsTest extends KeySetOutageTest {
        @Override
        Outage outage() {
            return Outage.REFUSES_CONNECTIONS;
        }

        @Test
        @Order(3)
        void refreshingWhileAuthServiceIsDownIsA503Problem() {
            authDownAfterTheKeysWereFetched();
            given().contentType("application/json").body("{\"refreshToken\":\"r\"}").post("/auth/refresh")
                    .then().statusCode(503).contentType("application/problem+json")
                    .body("code", equalTo("upstream_unavailable"));
        }
    }
}
