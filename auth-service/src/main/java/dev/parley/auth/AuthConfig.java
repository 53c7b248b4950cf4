package dev.parley.auth;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** auth-service settings ({@code parley.auth.*}); defaults are the production values. */
@ConfigMapping(prefix = "parley.auth")
public interface AuthConfig {

    /** {@code iss} of every token; verifiers pin it. */
    @WithDefault("parley-auth")
    String issuer();

    /** {@code aud} of every token; verifiers pin it. */
    @WithDefault("parley-api")
    String audience();

    /** Lifetime of an access token. */
    @WithDefault("PT15M")
    Duration accessTokenTtl();

    /** Absolute lifetime of a login session: rotation does not extend it. */
    @WithDefault("P30D")
    Duration refreshTokenTtl();

    /** bcrypt cost factor (log2 rounds), 4..31. */
    @WithDefault("12")
    int bcryptCost();

    /** Lifetime of a service credential obtained from /internal/service-token. */
    @WithDefault("PT5M")
    Duration serviceTokenTtl();

    /**
     * Services that may exchange their secret for a service credential: service name -> the
     * SHA-256 (hex) of its secret. Only the hash is configured here; the secret lives with the service.
     */
    Map<String, ServiceClient> serviceClients();

    interface ServiceClient {
        String secretSha256();
    }

    SigningKeys signingKeys();

    SignIn signIn();

    /** Sign-in attempts per account ({@code SignInThrottle}): a few at once, then one per growing delay. */
    interface SignIn {
        /** Attempts of a window checked at once, however they end. */
        @WithDefault("5")
        int freeAttempts();

        /** Wait after the first attempt beyond the free ones; doubles with each further attempt. */
        @WithDefault("PT1S")
        Duration firstDelay();

        /** The longest wait: what a guesser can make the owner wait, at most. */
        @WithDefault("PT30S")
        Duration maxDelay();

        /** A window ends after this long without an attempt; a successful sign-in ends it at once. */
        @WithDefault("PT15M")
        Duration window();
    }

    interface SigningKeys {
        /** Key id that signs new tokens; may be omitted when exactly one key is configured. */
        Optional<String> active();

        /** Key id -> path of a PKCS#8 PEM RSA private key (mounted from a Secret in production). */
        Map<String, String> files();

        /** With no key configured, generate one and keep it in {@link #generatedDir()} (dev and local only). */
        @WithDefault("false")
        boolean generateIfMissing();

        @WithDefault(".data/auth")
        String generatedDir();
    }
}
