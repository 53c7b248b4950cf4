package dev.parley.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.JwksVerificationKeyResolver;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.parley.testsupport.EmbeddedMongoResource;
import dev.parley.testsupport.StandInServer;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;

/** Registration creates the profile in user-service with a service credential, and survives its absence. */
@QuarkusTest
@WithTestResource(value = EmbeddedMongoResource.class, initArgs = @ResourceArg(name = "database", value = "auth"))
@WithTestResource(UserServiceStandIn.class)
class ProfileProvisioningTest {

    StandInServer.Handle userService;

    @BeforeEach
    void reset() {
        userService.reset();
        // what user-service answers, in the shape its contract gives (the stand-in checks it)
        userService.answer("/", 201, "{\"id\":\"665f1c2ab3e4d5f6a7b8c9d0\",\"username\":\"sam\",\"email\":\"sam@example.com\","
                + "\"profilePic\":null,\"status\":\"offline\",\"lastSeen\":null}");
    }

    @Test
    void registrationCreatesTheProfileWithAVerifiableServiceCredential() throws Exception {
        JsonPath account = Accounts.register(Accounts.uniqueName("sam"));

        StandInServer.Received call = userService.next();
        assertNotNull(call, "user-service was called");
        assertEquals("POST", call.method());
        assertEquals("/internal/users", call.path());
        JsonPath seed = new JsonPath(call.body());
        assertEquals(account.getString("user.id"), seed.getString("id"));
        assertEquals(account.getString("user.username"), seed.getString("username"));
        assertEquals(account.getString("user.email"), seed.getString("email"));

        assertTrue(call.authorization().startsWith("Bearer "));
        JwtClaims claims = new JwtConsumerBuilder()
                .setVerificationKeyResolver(new JwksVerificationKeyResolver(
                        new JsonWebKeySet(RestAssured.get("/auth/jwks").asString()).getJsonWebKeys()))
                .setExpectedIssuer("parley-auth")
                .setExpectedAudience("parley-api")
                .setRequireExpirationTime()
                .build()
                .processToClaims(call.authorization().substring("Bearer ".length()));
        assertEquals("auth-service", claims.getSubject());
        assertEquals(List.of("service"), claims.getStringListClaimValue("groups"));
    }

    @Test
    void registrationSucceedsWhenUserServiceFails() throws Exception {
        userService.answer("/", 503, null);

        Accounts.register(Accounts.uniqueName("tess"));

        assertNotNull(userService.next(), "a first attempt was made");
    }
}
