package dev.parley.auth;

import static dev.parley.testsupport.OpenApiContract.api;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.parley.testsupport.EmbeddedMongoResource;
import dev.parley.testsupport.TestTokens;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/** What is inside an access token, the JWKS that verifies it, and who gets 401/403. */
@QuarkusTest
@WithTestResource(value = EmbeddedMongoResource.class, initArgs = @ResourceArg(name = "database", value = "auth"))
class AccessTokenTest {

    /** The key auth-service generated for the test profile (parley.auth.signing-keys.generated-dir). */
    private static final Path OWN_KEY = Path.of("target/test-data/auth/signing-key.pem");

    @Test
    void accessTokenCarriesTheAgreedClaimsAndAPublishedKeyId() {
        JsonPath login = Accounts.register(Accounts.uniqueName("olga"));
        String[] parts = login.getString("accessToken").split("\\.");
        JsonPath header = new JsonPath(decode(parts[0]));
        JsonPath claims = new JsonPath(decode(parts[1]));

        assertEquals("RS256", header.getString("alg"));
        assertEquals(publishedKeyId(), header.getString("kid"));
        assertEquals("parley-auth", claims.getString("iss"));
        assertEquals("parley-api", claims.getString("aud"));
        assertEquals(login.getString("user.id"), claims.getString("sub"));
        assertEquals(login.getString("user.username"), claims.getString("upn"));
        assertEquals(List.of("user"), claims.getList("groups"));
        assertNotNull(claims.getString("jti"));
        assertEquals(900L, claims.getLong("exp") - claims.getLong("iat"));
    }

    @Test
    void jwksPublishesOnlyPublicKeyMaterial() {
        api().get("/auth/jwks").then().statusCode(200)
                .body("keys", hasSize(1))
                .body("keys[0].kty", equalTo("RSA"))
                .body("keys[0].alg", equalTo("RS256"))
                .body("keys[0].use", equalTo("sig"))
                .body("keys[0].d", equalTo(null))
                .body("keys[0].p", equalTo(null));
    }

    @Test
    void logoutAllRejectsEveryKindOfBadToken() {
        JsonPath login = Accounts.register(Accounts.uniqueName("pete"));
        String id = login.getString("user.id");
        String name = login.getString("user.username");
        PrivateKey own = TestTokens.readPrivateKey(OWN_KEY);
        String kid = publishedKeyId();

        List<String> bad = List.of(
                TestTokens.tamper(login.getString("accessToken")),
                TestTokens.builder(id, name).signingKey(own, kid).expiresAt(Instant.now().minusSeconds(120)).sign(),
                TestTokens.builder(id, name).signingKey(own, kid).audience("someone-else").sign(),
                TestTokens.builder(id, name).signingKey(own, kid).issuer("someone-else").sign(),
                TestTokens.builder(id, name).untrustedKey().keyId(kid).sign(),
                TestTokens.builder(id, name).untrustedKey().keyId("unknown-kid").sign(),
                TestTokens.unsigned(id, name),
                "not-a-jwt");
        for (String token : bad) {
            api().auth().oauth2(token).post("/auth/logout-all")
                    .then().statusCode(401).contentType("application/problem+json").header("WWW-Authenticate", "Bearer");
        }
        api().post("/auth/logout-all").then().statusCode(401).contentType("application/problem+json");

        // a correctly signed token without the user role is not enough
        api().auth().oauth2(TestTokens.builder(id, name).signingKey(own, kid).groups("service").sign())
                .post("/auth/logout-all").then().statusCode(403).body("code", equalTo("forbidden"));
        // and the same claims signed properly with the user role are accepted
        api().auth().oauth2(TestTokens.builder(id, name).signingKey(own, kid).sign())
                .post("/auth/logout-all").then().statusCode(204);
        Accounts.refresh(login.getString("refreshToken")).then().statusCode(401);
    }

    private static String publishedKeyId() {
        return api().get("/auth/jwks").then().extract().path("keys[0].kid");
    }

    private static String decode(String part) {
        return new String(Base64.getUrlDecoder().decode(part), StandardCharsets.UTF_8);
    }
}
