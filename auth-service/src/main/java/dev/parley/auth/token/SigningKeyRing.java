package dev.parley.auth.token;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.runtime.Startup;

import org.jboss.logging.Logger;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jws.AlgorithmIdentifiers;

import dev.parley.auth.AuthConfig;

/**
 * The RSA keys auth-service signs with. Every configured key is published in the JWKS so tokens
 * signed by a key being retired keep verifying; only the active one signs new tokens.
 */
@Startup
@ApplicationScoped
public class SigningKeyRing {

    private static final Logger LOG = Logger.getLogger(SigningKeyRing.class);

    /** One signing key and its public half. */
    public record SigningKey(String id, RSAPrivateCrtKey privateKey, RSAPublicKey publicKey) {
    }

    private final Map<String, SigningKey> keys = new LinkedHashMap<>();
    private final SigningKey active;
    private final String jwks;

    public SigningKeyRing(AuthConfig config) {
        AuthConfig.SigningKeys settings = config.signingKeys();
        settings.files().forEach((id, file) -> keys.put(id, load(id, readPem(Path.of(file)))));
        if (keys.isEmpty()) {
            if (!settings.generateIfMissing()) {
                throw new IllegalStateException("No signing key configured: set parley.auth.signing-keys.files.<key-id>"
                        + " to a PKCS#8 PEM RSA private key (or, for local use only,"
                        + " parley.auth.signing-keys.generate-if-missing=true)");
            }
            SigningKey local = loadOrGenerate(Path.of(settings.generatedDir()));
            keys.put(local.id(), local);
        }
        String activeId = settings.active().orElseGet(() -> {
            if (keys.size() != 1) {
                throw new IllegalStateException("Several signing keys: set parley.auth.signing-keys.active");
            }
            return keys.keySet().iterator().next();
        });
        active = keys.get(activeId);
        if (active == null) {
            throw new IllegalStateException("parley.auth.signing-keys.active names an unknown key: " + activeId);
        }
        jwks = buildJwks();
        LOG.infof("Signing with key %s; publishing %s", active.id(), keys.keySet());
    }

    public SigningKey active() {
        return active;
    }

    public Set<String> keyIds() {
        return keys.keySet();
    }

    /** The public keys as a JSON Web Key Set. */
    public String jwks() {
        return jwks;
    }

    private String buildJwks() {
        List<JsonWebKey> list = new ArrayList<>();
        for (SigningKey key : keys.values()) {
            RsaJsonWebKey jwk = new RsaJsonWebKey(key.publicKey());
            jwk.setKeyId(key.id());
            jwk.setUse("sig");
            jwk.setAlgorithm(AlgorithmIdentifiers.RSA_USING_SHA256);
            list.add(jwk);
        }
        return new JsonWebKeySet(list).toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY);
    }

    private static SigningKey load(String id, byte[] pkcs8) {
        try {
            KeyFactory rsa = KeyFactory.getInstance("RSA");
            RSAPrivateCrtKey privateKey = (RSAPrivateCrtKey) rsa.generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            RSAPublicKey publicKey = (RSAPublicKey) rsa.generatePublic(
                    new RSAPublicKeySpec(privateKey.getModulus(), privateKey.getPublicExponent()));
            if (publicKey.getModulus().bitLength() < 2048) {
                throw new IllegalStateException("Signing key " + id + " is shorter than 2048 bits");
            }
            return new SigningKey(id, privateKey, publicKey);
        } catch (GeneralSecurityException | ClassCastException e) {
            throw new IllegalStateException("Signing key " + id + " is not a PKCS#8 RSA private key", e);
        }
    }

    private static byte[] readPem(Path file) {
        try {
            String pem = Files.readString(file, StandardCharsets.US_ASCII);
            if (!pem.contains("-----BEGIN PRIVATE KEY-----")) {
                throw new IllegalStateException(file + " is not a PKCS#8 PEM private key (BEGIN PRIVATE KEY)");
            }
            String body = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            return Base64.getDecoder().decode(body);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read signing key " + file, e);
        }
    }

    private static SigningKey loadOrGenerate(Path dir) {
        Path file = dir.resolve("signing-key.pem");
        try {
            if (!Files.exists(file)) {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
                generator.initialize(2048);
                byte[] der = generator.generateKeyPair().getPrivate().getEncoded();
                String pem = "-----BEGIN PRIVATE KEY-----\n"
                        + Base64.getMimeEncoder(64, new byte[] { '\n' }).encodeToString(der)
                        + "\n-----END PRIVATE KEY-----\n";
                Files.createDirectories(dir);
                Path tmp = Files.createTempFile(dir, "signing-key", ".tmp");
                Files.writeString(tmp, pem);
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
                LOG.warnf("Generated a local signing key in %s (never do this in production)", file.toAbsolutePath());
            }
            byte[] der = readPem(file);
            RsaJsonWebKey probe = new RsaJsonWebKey(load("probe", der).publicKey());
            String id = "local-" + probe.calculateBase64urlEncodedThumbprint("SHA-256").substring(0, 12);
            return load(id, der);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
