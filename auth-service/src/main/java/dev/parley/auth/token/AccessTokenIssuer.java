package dev.parley.auth.token;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;

import dev.parley.auth.AuthConfig;

/** Signs access tokens for users and short-lived service credentials for internal calls. */
@ApplicationScoped
public class AccessTokenIssuer {

    public static final String USER_ROLE = "user";
    public static final String SERVICE_ROLE = "service";

    private final AuthConfig config;
    private final SigningKeyRing keys;

    public AccessTokenIssuer(AuthConfig config, SigningKeyRing keys) {
        this.config = config;
        this.keys = keys;
    }

    /** An access token: sub = user id, upn = username, groups = [user]. */
    public String forUser(String userId, String username, String email) {
        Instant now = Instant.now();
        return sign(Jwt.issuer(config.issuer())
                .audience(config.audience())
                .subject(userId)
                .upn(username)
                .claim("email", email)
                .groups(Set.of(USER_ROLE))
                .claim("jti", UUID.randomUUID().toString())
                .issuedAt(now)
                .expiresAt(now.plus(config.accessTokenTtl()).getEpochSecond()));
    }

    /** A service credential naming the calling service: groups = [service], short-lived. */
    public String forService(String serviceName) {
        Instant now = Instant.now();
        return sign(Jwt.issuer(config.issuer())
                .audience(config.audience())
                .subject(serviceName)
                .upn(serviceName)
                .groups(Set.of(SERVICE_ROLE))
                .claim("jti", UUID.randomUUID().toString())
                .issuedAt(now)
                .expiresAt(now.plus(config.serviceTokenTtl()).getEpochSecond()));
    }

    public long serviceTokenSeconds() {
        return config.serviceTokenTtl().toSeconds();
    }

    public long expiresInSeconds() {
        return config.accessTokenTtl().toSeconds();
    }

    private String sign(JwtClaimsBuilder claims) {
        SigningKeyRing.SigningKey key = keys.active();
        return claims.jws().keyId(key.id()).algorithm(SignatureAlgorithm.RS256).sign(key.privateKey());
    }
}
