package dev.parley.localstack;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/** Service secrets for one run of the local stack. */
final class Secrets {

    private static final SecureRandom RANDOM = new SecureRandom();

    private Secrets() {
    }

    static String random() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** A local AES-256 message key (base64 of 32 random bytes), created once and kept. */
    static void ensureMessageKey(java.nio.file.Path file) throws java.io.IOException {
        if (java.nio.file.Files.exists(file)) {
            return;
        }
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        java.nio.file.Files.createDirectories(file.getParent());
        java.nio.file.Files.writeString(file, Base64.getEncoder().encodeToString(key));
    }

    static String sha256(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
