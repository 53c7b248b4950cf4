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
 * AES-256-GCM for message content at rest. Every encryption draws a fresh 96-bit nonce; the key
 * id is stored beside the ciphertext so keys can rotate; the associated data binds a ciphertext
 * to its message, chat and sender, so a ciphertext copied onto another record fails to open.
 */
@Startup
@ApplicationScoped
public class MessageCipher {

    private static final Logger LOG = Logger.getLogger(MessageCipher.class);
    private static final int NONCE_BYTES = 12;
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

    public Sealed seal(byte[] plaintext, byte[] associatedData) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = CIPHERS.get();
            cipher.init(Cipher.ENCRYPT_MODE, keys.get(activeKeyId), new GCMParameterSpec(TAG_BITS, nonce));
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
        if (sealed.nonce() == null || sealed.nonce().length != NONCE_BYTES || sealed.ciphertext() == null) {
            throw new UnreadableContentException("Content is damaged");
        }
        try {
            Cipher cipher = CIPHERS.get();
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed.nonce()));
            cipher.updateAAD(associatedData);
            return cipher.doFinal(sealed.ciphertext());
        } catch (AEADBadTagException e) {
            throw new UnreadableContentException("Content failed its integrity check");
        } catch (GeneralSecurityException e) {
            throw new UnreadableContentException("Content cannot be decrypted");
        }
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
