package dev.parley.testsupport;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** Makes a token-verifying service trust {@link TestTokens} instead of a running auth-service. */
public class TestJwksResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return Map.of("mp.jwt.verify.publickey.location", TestTokens.jwksFile().toUri().toString());
    }

    @Override
    public void stop() {
    }
}
