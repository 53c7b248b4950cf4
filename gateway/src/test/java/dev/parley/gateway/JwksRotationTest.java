package dev.parley.gateway;

import static io.restassured.RestAssured.given;

import java.util.Map;

import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;

import dev.parley.testsupport.StandInServer;
import dev.parley.testsupport.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The gateway fetches auth-service's key set over HTTP, and when a token names a key it has not
 * seen (auth-service rotated its keys), it fetches the set again instead of refusing the token.
 */
@QuarkusTest
@WithTestResource(StandInUpstreams.class)
@WithTestResource(JwksRotationTest.AuthKeys.class)
class JwksRotationTest {

    /** auth-service's JWKS endpoint, stood in for by a real HTTP server. */
    public static class AuthKeys extends StandInServer {
        @Override
        protected Map<String, String> configFor(String baseUrl) {
            return Map.of("mp.jwt.verify.publickey.location", baseUrl + "/auth/jwks");
        }
    }

    StandInServer.Handle keys;

    @Test
    void aTokenSignedWithANewlyPublishedKeyIsAcceptedAfterARefetch() {
        keys.answer("/auth/jwks", 200, TestTokens.jwks(false));
        String id = new ObjectId().toHexString();
        String current = TestTokens.user(id, "kim");
        String rotated = TestTokens.builder(id, "kim").untrustedKey().keyId(TestTokens.ROTATED_KEY_ID).sign();

        given().auth().oauth2(current).get("/user/me").then().statusCode(200);

        // rotation as docs/security.md prescribes: the new key is published before anything is signed with it
        keys.answer("/auth/jwks", 200, TestTokens.jwks(true));
        given().auth().oauth2(rotated).get("/user/me").then().statusCode(200);
        given().auth().oauth2(current).get("/user/me").then().statusCode(200);
    }
}
