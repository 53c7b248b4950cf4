package dev.parley.auth;

import static dev.parley.testsupport.OpenApiContract.api;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.JwksVerificationKeyResolver;
import org.junit.jupiter.api.Test;

import dev.parley.testsupport.EmbeddedMongoResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;

/** A service exchanges its secret for a short-lived service credential; nobody else gets one. */
@QuarkusTest
@WithTestResource(value = EmbeddedMongoResource.class, initArgs = @ResourceArg(name = "database", value = "auth"))
class ServiceTokenTest {

    /** Matches %test.parley.auth.service-clients.chat-service.secret-sha256 in application.properties. */
    static final String CHAT_SECRET = "chat-service-test-secret-0123456789";

    @Test
    void aKnownServiceWithItsSecretGetsAServiceCredential() throws Exception {
        String token = api().contentType(ContentType.JSON).body(Map.of("service", "chat-service", "secret", CHAT_SECRET))
                .post("/internal/service-token").then().statusCode(200)
                .body("tokenType", equalTo("Bearer")).body("expiresIn", equalTo(300))
                .extract().path("accessToken");

        JwtClaims claims = new JwtConsumerBuilder()
                .setVerificationKeyResolver(new JwksVerificationKeyResolver(
                        new JsonWebKeySet(RestAssured.get("/auth/jwks").asString()).getJsonWebKeys()))
                .setExpectedIssuer("parley-auth").setExpectedAudience("parley-api").build().processToClaims(token);
        assertEquals("chat-service", claims.getSubject());
        assertEquals(List.of("service"), claims.getStringListClaimValue("groups"));
    }

    @Test
    void aWrongSecretOrAnUnknownServiceGets401() {
        api().contentType(ContentType.JSON).body(Map.of("service", "chat-service", "secret", CHAT_SECRET + "x"))
                .post("/internal/service-token").then().statusCode(401).body("code", equalTo("invalid_client"));
        api().contentType(ContentType.JSON).body(Map.of("service", "evil-service", "secret", CHAT_SECRET))
                .post("/internal/service-token").then().statusCode(401).body("code", equalTo("invalid_client"));
        api().contentType(ContentType.JSON).body(Map.of("service", "chat-service"))
                .post("/internal/service-token").then().statusCode(400);
    }
}
