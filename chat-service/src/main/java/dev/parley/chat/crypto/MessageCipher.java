package dev.parley.chat.crypto;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.quarkus.runtime.Startup;

import org.jboss.logging.Logger;

import dev.parley.chat.ChatConfig;

/**
 * AES-256-GCM for message content at rest. The key id is stored beside the ciphertext so keys can
 * rotate; the associated data binds a ciphertext to its record (see {@code Message}), so a
 * ciphertext copied onto another record, or a record relabelled, fails to open.
 *
 * <p><b>No nonce budget to run out of</b> (review L8): with one key and random 96-bit nonces, NIST
 * SP 800-38D allows 2^32 encryptions per key (about 5 days at 10,000 messages a second). So each
 * encryption draws 24 random bytes instead: the first 12 are a salt from which a key for this one
 * message is derived (HKDF-SHA256-Expand of the configured key, info {@code "parley message v2"}
 * || salt), the last 12 are the GCM nonce under that derived key. A nonce repeats only if 192
 * random bits do, so no count, schedule or coordination between replicas is needed (the same
 * construction as XAES-256-GCM). Ciphertexts sealed before this (12-byte nonces, the configured
 * key itself) still open; key rotation re-seals them in the new form.
 */
@Startup
@ApplicationScoped
public class MessageCipher {

    private static final Logger LOG = Logger.getLogger(MessageCipher.class);
    /** GCM's own nonce: all of a legacy ciphertext's nonce, the second half of a derived-key one. */
    private static final int NONCE_BYTES = 12;
    /** Salt (12) + GCM nonce (12): the stored nonce of a ciphertext under a per-message key. */
    public static final int DERIVED_NONCE_BYTES = 24;
    private static final byte[] DERIVATION_INFO = "parley message v2".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final ThreadLocal<javax.crypto.Mac> MACS = ThreadLocal.withInitial(() -> {
        try {
            return javax.crypto.Mac.getInstance("HmacSHA256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    });
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final ThreadLocal<Cipher> CIPHERS = ThreadLocal.withInitial(() -> {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    });

    /** Encrypted content as stored. */
    public record Sealed(String keyId, byte[] nonce, byte[] ciphertext) {
    }

    /** Content that cannot be opened: wrong key, tampered bytes, or moved to another record. */
    public static class UnreadableContentException extends RuntimeException {
        public UnreadableContentException(String message) {
            super(message, null, false, false);
        }
    }

    private final Map<String, SecretKey> keys = new LinkedHashMap<>();
    private final String activeKeyId;

    @Inject
    public MessageCipher(ChatConfig config) {
        this(configuredKeys(config.crypto()), config.crypto().activeKey().orElse(null));
    }

    /** @param base64Keys key id -> base64 of 32 bytes; @param activeKeyId may be null with exactly one key */
    public MessageCipher(Map<String, String> base64Keys, String activeKeyId) {
        base64Keys.forEach((id, value) -> keys.put(id, decodeKey(id, value)));
        if (keys.isEmpty()) {
            throw new IllegalStateException("No message key configured: set parley.chat.crypto.keys.<key-id> to base64"
                    + " of 32 random bytes (or, for local use only, parley.chat.crypto.generate-if-missing=true)");
        }
        if (activeKeyId == null) {
            if (keys.size() != 1) {
                throw new IllegalStateException("Several message keys: set parley.chat.crypto.active-key");
            }
            activeKeyId = keys.keySet().iterator().next();
        }
        if (!keys.containsKey(activeKeyId)) {
            throw new IllegalStateException("parley.chat.crypto.active-key names an unknown key: " + activeKeyId);
        }
        this.activeKeyId = activeKeyId;
        LOG.infof("Encrypting messages with key %s; can read %s", activeKeyId, keys.keySet());
    }

    private static Map<String, String> configuredKeys(ChatConfig.Crypto crypto) {
        if (crypto.keys().isEmpty() && crypto.generateIfMissing()) {
            return Map.of("local-1", loadOrGenerate(Path.of(crypto.generatedDir(), "message-key")));
        }
        return crypto.keys();
    }

    public String activeKeyId() {
        return activeKeyId;
    }

    public Set<String> keyIds() {
        return keys.keySet();
    }

    /** True for a ciphertext under a per-message derived key (all new ones); false for a legacy one. */
    public static boolean derived(Sealed sealed) {
        return sealed.nonce() != null && sealed.nonce().length == DERIVED_NONCE_BYTES;
    }

    public Sealed seal(byte[] plaintext, byte[] associatedData) {
        byte[] nonce = new byte[DERIVED_NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = CIPHERS.get();
            cipher.init(Cipher.ENCRYPT_MODE, messageKey(keys.get(activeKeyId), nonce),
                    new GCMParameterSpec(TAG_BITS, nonce, NONCE_BYTES, NONCE_BYTES));
            cipher.updateAAD(associatedData);
            return new Sealed(activeKeyId, nonce, cipher.doFinal(plaintext));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Encryption failed", e);
        }
    }

    public byte[] open(Sealed sealed, byte[] associatedData) {
        SecretKey key = sealed.keyId() == null ? null : keys.get(sealed.keyId());
        if (key == null) {
            throw new UnreadableContentException("Content is encrypted with an unknown key");
        }
        byte[] nonce = sealed.nonce();
        if (nonce == null || (nonce.length != NONCE_BYTES && nonce.length != DERIVED_NONCE_BYTES) || sealed.ciphertext() == null) {
            throw new UnreadableContentException("Content is damaged");
        }
        try {
            Cipher cipher = CIPHERS.get();
            if (nonce.length == DERIVED_NONCE_BYTES) {
                cipher.init(Cipher.DECRYPT_MODE, messageKey(key, nonce), new GCMParameterSpec(TAG_BITS, nonce, NONCE_BYTES, NONCE_BYTES));
            } else {
                cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            }
            cipher.updateAAD(associatedData);
            return cipher.doFinal(sealed.ciphertext());
        } catch (AEADBadTagException e) {
            throw new UnreadableContentException("Content failed its integrity check");
        } catch (GeneralSecurityException e) {
            throw new UnreadableContentException("Content cannot be decrypted");
        }
    }

    /**
     * The key of one message: HKDF-Expand (RFC 5869) with the configured key as the pseudorandom
     * key (it is 32 uniformly random bytes already, so no extract step), info = "parley message v2"
     * || salt, one block of HMAC-SHA256 = 32 bytes.
     */
    private static SecretKey messageKey(SecretKey configured, byte[] nonce) throws GeneralSecurityException {
        javax.crypto.Mac mac = MACS.get();
        mac.init(new SecretKeySpec(configured.getEncoded(), "HmacSHA256"));
        mac.update(DERIVATION_INFO);
        mac.update(nonce, 0, NONCE_BYTES);
        mac.update((byte) 1);
        return new SecretKeySpec(mac.doFinal(), "AES");
    }

    private static SecretKey decodeKey(String id, String base64) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("Message key " + id + " is not base64");
        }
        if (bytes.length != 32) {
            throw new IllegalStateException("Message key " + id + " must be 32 bytes (AES-256), not " + bytes.length);
        }
        return new SecretKeySpec(bytes, "AES");
    }

    private static String loadOrGenerate(Path file) {
        try {
            if (!Files.exists(file)) {
                byte[] key = new byte[32];
                RANDOM.nextBytes(key);
                Files.createDirectories(file.toAbsolutePath().getParent());
                Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), "message-key", ".tmp");
                Files.writeString(tmp, Base64.getEncoder().encodeToString(key));
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
                LOG.warnf("Generated a local message key in %s (never do this in production)", file.toAbsolutePath());
            }
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
