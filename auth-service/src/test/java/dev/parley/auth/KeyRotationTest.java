package dev.parley.auth;

import static dev.parley.testsupport.OpenApiContract.api;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.parley.testsupport.EmbeddedMongoResource;
import dev.parley.testsupport.TestTokens;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;

/** Two configured keys: the new one signs, both verify, so rotation logs nobody out. */
@QuarkusTest
@TestProfile(KeyRotationTest.TwoKeys.class)
@WithTestResource(value = EmbeddedMongoResource.class, initArgs = @ResourceArg(name = "database", value = "auth"))
class KeyRotationTest {

    static final Path OLD = Path.of("target/test-data/rotation/2026-01.pem");
    static final Path NEW = Path.of("target/test-data/rotation/2026-02.pem");

    public static class TwoKeys implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            TestTokens.writeNewPrivateKey(OLD);
            TestTokens.writeNewPrivateKey(NEW);
            return Map.of(
                    "parley.auth.signing-keys.generate-if-missing", "false",
                    "parley.auth.signing-keys.files.\"2026-01\"", OLD.toAbsolutePath().toString(),
                    "parley.auth.signing-keys.files.\"2026-02\"", NEW.toAbsolutePath().toString(),
                    "parley.auth.signing-keys.active", "2026-02");
        }
    }

    @Test
    void bothKeysArePublishedAndTheActiveOneSigns() {
        api().get("/auth/jwks").then().statusCode(200).body("keys.kid", containsInAnyOrder("2026-01", "2026-02"));

        JsonPath login = Accounts.register(Accounts.uniqueName("quinn"));
        String header = new String(Base64.getUrlDecoder().decode(login.getString("accessToken").split("\\.")[0]),
                StandardCharsets.UTF_8);
        assertEquals("2026-02", new JsonPath(header).getString("kid"));
    }

    @Test
    void tokensSignedWithTheRetiringKeyStillVerify() {
        JsonPath login = Accounts.register(Accounts.uniqueName("rosa"));
        String old = TestTokens.builder(login.getString("user.id"), login.getString("user.username"))
                .signingKey(TestTokens.readPrivateKey(OLD), "2026-01").sign();

        api().auth().oauth2(old).post("/auth/logout-all").then().statusCode(204);
    }
}
