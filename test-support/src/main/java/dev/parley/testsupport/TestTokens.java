package dev.parley.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.lang.JoseException;

/**
 * Access tokens for tests of services that verify but do not issue them.
 *
 * <p>The signing key pair lives in {@code target/test-keys} of the module under test, so the test
 * resource (which publishes the JWKS to the service) and the test (which signs) agree even when
 * they are loaded by different class loaders. A second, unpublished key signs tokens that must be
 * rejected.
 */
public final class TestTokens {

    public static final String ISSUER = "parley-auth";
    public static final String AUDIENCE = "parley-api";
    public static final String KEY_ID = "test-key";
    public static final String SERVICE_ROLE = "service";

    private static final Path DIR = Path.of("target", "test-keys");
    private static KeyPair trusted;
    private static KeyPair untrusted;

    private TestTokens() {
    }

    /** A JWKS file holding the trusted public key; its absolute path. */
    public static synchronized Path jwksFile() {
        Path file = DIR.resolve("jwks.json").toAbsolutePath();
        try {
            RsaJsonWebKey jwk = new RsaJsonWebKey((RSAPublicKey) trusted().getPublic());
            jwk.setKeyId(KEY_ID);
            jwk.setAlgorithm(AlgorithmIdentifiers.RSA_USING_SHA256);
            jwk.setUse("sig");
            Files.createDirectories(DIR);
            Files.writeString(file, new JsonWebKeySet(jwk).toJson());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Key id under which {@link Builder#untrustedKey()} tokens verify once {@link #jwks(boolean)} publishes that key. */
    public static final String ROTATED_KEY_ID = "rotated-key";

    /** The JWKS JSON of the trusted key, and, after a rotation, also of the second key as {@link #ROTATED_KEY_ID}. */
    public static String jwks(boolean withRotatedKey) {
        RsaJsonWebKey first = new RsaJsonWebKey((RSAPublicKey) trusted().getPublic());
        first.setKeyId(KEY_ID);
        first.setAlgorithm(AlgorithmIdentifiers.RSA_USING_SHA256);
        first.setUse("sig");
        if (!withRotatedKey) {
            return new JsonWebKeySet(first).toJson();
        }
        RsaJsonWebKey second = new RsaJsonWebKey((RSAPublicKey) untrusted().getPublic());
        second.setKeyId(ROTATED_KEY_ID);
        second.setAlgorithm(AlgorithmIdentifiers.RSA_USING_SHA256);
        second.setUse("sig");
        return new JsonWebKeySet(first, second).toJson();
    }

    /** A valid user token: sub = userId, upn = username, groups = [user]. */
    public static String user(String userId, String username) {
        return builder(userId, username).sign();
    }

    /** A valid service credential as auth-service issues it. */
    public static String service(String serviceName) {
        return builder(serviceName, serviceName).groups(SERVICE_ROLE).sign();
    }

    public static Builder builder(String subject, String username) {
        return new Builder(subject, username);
    }

    /** The same token with one character of the signature changed. */
    public static String tamper(String token) {
        int i = token.lastIndexOf('.') + 5;
        char c = token.charAt(i) == 'A' ? 'B' : 'A';
        return token.substring(0, i) + c + token.substring(i + 1);
    }

    /** An unsigned token ({@code alg: none}) with otherwise valid claims. */
    public static String unsigned(String subject, String username) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String header = b64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        String payload = b64.encodeToString(builder(subject, username).claims().toJson().getBytes(StandardCharsets.UTF_8));
        return header + "." + payload + ".";
    }

    /** Reads a PKCS#8 PEM RSA private key. */
    public static PrivateKey readPrivateKey(Path pem) {
        try {
            String body = Files.readString(pem).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes a fresh 2048-bit RSA private key as PKCS#8 PEM. */
    public static Path writeNewPrivateKey(Path pem) {
        try {
            KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
            gen.initialize(2048);
            String body = Base64.getMimeEncoder(64, new byte[] { '\n' }).encodeToString(gen.generateKeyPair().getPrivate().getEncoded());
            Files.createDirectories(pem.toAbsolutePath().getParent());
            Files.writeString(pem, "-----BEGIN PRIVATE KEY-----\n" + body + "\n-----END PRIVATE KEY-----\n");
            return pem;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static synchronized KeyPair trusted() {
        if (trusted == null) {
            trusted = loadOrCreate("trusted");
        }
        return trusted;
    }

    private static synchronized KeyPair untrusted() {
        if (untrusted == null) {
            untrusted = loadOrCreate("untrusted");
        }
        return untrusted;
    }

    private static KeyPair loadOrCreate(String name) {
        Path priv = DIR.resolve(name + ".key");
        Path pub = DIR.resolve(name + ".pub");
        try {
            KeyFactory rsa = KeyFactory.getInstance("RSA");
            if (Files.exists(priv) && Files.exists(pub)) {
                PrivateKey p = rsa.generatePrivate(new PKCS8EncodedKeySpec(Files.readAllBytes(priv)));
                PublicKey q = rsa.generatePublic(new X509EncodedKeySpec(Files.readAllBytes(pub)));
                return new KeyPair(q, p);
            }
            KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
            gen.initialize(2048);
            KeyPair pair = gen.generateKeyPair();
            Files.createDirectories(DIR);
            Path tmp = Files.createTempFile(DIR, name, ".tmp");
            Files.write(tmp, pair.getPrivate().getEncoded());
            Files.move(tmp, priv, StandardCopyOption.ATOMIC_MOVE);
            tmp = Files.createTempFile(DIR, name, ".tmp");
            Files.write(tmp, pair.getPublic().getEncoded());
            Files.move(tmp, pub, StandardCopyOption.ATOMIC_MOVE);
            return pair;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Builds tokens with one thing wrong at a time. */
    public static final class Builder {
        private String issuer = ISSUER;
        private String audience = AUDIENCE;
        private final String subject;
        private final String username;
        private List<String> groups = List.of("user");
        private Instant expiresAt = Instant.now().plus(Duration.ofMinutes(5));
        private String keyId = KEY_ID;
        private boolean signWithUntrustedKey;
        private PrivateKey signingKey;
        private Map<String, Object> extra = Map.of();

        private Builder(String subject, String username) {
            this.subject = subject;
            this.username = username;
        }

        public Builder issuer(String value) { issuer = value; return this; }
        public Builder audience(String value) { audience = value; return this; }
        public Builder groups(String... value) { groups = List.of(value); return this; }
        public Builder expiresAt(Instant value) { expiresAt = value; return this; }
        public Builder keyId(String value) { keyId = value; return this; }
        public Builder untrustedKey() { signWithUntrustedKey = true; return this; }
        /** Sign with this key (for example a service's own key read with {@link #readPrivateKey}). */
        public Builder signingKey(PrivateKey key, String id) { signingKey = key; keyId = id; return this; }
        public Builder claims(Map<String, Object> value) { extra = value; return this; }

        JwtClaims claims() {
            JwtClaims claims = new JwtClaims();
            claims.setIssuer(issuer);
            claims.setAudience(audience);
            claims.setSubject(subject);
            claims.setClaim("upn", username);
            claims.setStringListClaim("groups", groups);
            claims.setJwtId(UUID.randomUUID().toString());
            claims.setIssuedAt(NumericDate.fromMilliseconds(expiresAt.minus(Duration.ofMinutes(15)).toEpochMilli()));
            claims.setExpirationTime(NumericDate.fromMilliseconds(expiresAt.toEpochMilli()));
            extra.forEach(claims::setClaim);
            return claims;
        }

        public String sign() {
            JsonWebSignature jws = new JsonWebSignature();
            jws.setPayload(claims().toJson());
            jws.setKey(signingKey != null ? signingKey : (signWithUntrustedKey ? untrusted() : trusted()).getPrivate());
            jws.setKeyIdHeaderValue(keyId);
            jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
            try {
                return jws.getCompactSerialization();
            } catch (JoseException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
