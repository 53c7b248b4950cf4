package dev.parley.chat.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Test;

class MessageCipherTest {

    private static final String OLD = randomKey();
    private static final String NEW = randomKey();
    private static final byte[] TEXT = "meet me at noon".getBytes(StandardCharsets.UTF_8);
    private static final byte[] AAD = "665f1c2e8f1b2a3c4d5e6f70|chat-1|alice".getBytes(StandardCharsets.UTF_8);

    private final MessageCipher cipher = new MessageCipher(Map.of("k1", OLD), null);

    @Test
    void roundTrip() {
        MessageCipher.Sealed sealed = cipher.seal(TEXT, AAD);
        assertEquals("k1", sealed.keyId());
        assertEquals(24, sealed.nonce().length); // 12 bytes of salt for the message's own key, then GCM's 12
        assertTrue(MessageCipher.derived(sealed));
        assertArrayEquals(TEXT, cipher.open(sealed, AAD));
    }

    /** Sealed the way every ciphertext was before per-message keys: the configured key itself, a 12-byte nonce. */
    @Test
    void aLegacyCiphertextStillOpens() throws Exception {
        byte[] nonce = new byte[12];
        new SecureRandom().nextBytes(nonce);
        Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
        gcm.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(Base64.getDecoder().decode(OLD), "AES"), new GCMParameterSpec(128, nonce));
        gcm.updateAAD(AAD);
        MessageCipher.Sealed legacy = new MessageCipher.Sealed("k1", nonce, gcm.doFinal(TEXT));

        assertFalse(MessageCipher.derived(legacy));
        assertArrayEquals(TEXT, cipher.open(legacy, AAD));
    }

    @Test
    void theSaltSelectsTheKey() {
        MessageCipher.Sealed sealed = cipher.seal(TEXT, AAD);
        byte[] nonce = sealed.nonce().clone();
        nonce[0] ^= 1; // the salt half: another message key
        assertThrows(MessageCipher.UnreadableContentException.class,
                () -> cipher.open(new MessageCipher.Sealed("k1", nonce, sealed.ciphertext()), AAD));
        byte[] shortNonce = java.util.Arrays.copyOf(sealed.nonce(), 16);
        assertThrows(MessageCipher.UnreadableContentException.class,
                () -> cipher.open(new MessageCipher.Sealed("k1", shortNonce, sealed.ciphertext()), AAD));
    }

    @Test
    void twoEncryptionsOfOneTextDiffer() {
        MessageCipher.Sealed a = cipher.seal(TEXT, AAD);
        MessageCipher.Sealed b = cipher.seal(TEXT, AAD);
        assertFalse(java.util.Arrays.equals(a.nonce(), b.nonce()));
        assertFalse(java.util.Arrays.equals(a.ciphertext(), b.ciphertext()));
    }

    @Test
    void tamperedCiphertextIsRejected() {
        MessageCipher.Sealed sealed = cipher.seal(TEXT, AAD);
        byte[] bytes = sealed.ciphertext().clone();
        bytes[0] ^= 1;
        assertThrows(MessageCipher.UnreadableContentException.class,
                () -> cipher.open(new MessageCipher.Sealed("k1", sealed.nonce(), bytes), AAD));
    }

    @Test
    void tamperedNonceIsRejected() {
        MessageCipher.Sealed sealed = cipher.seal(TEXT, AAD);
        byte[] nonce = sealed.nonce().clone();
        nonce[3] ^= 1;
        assertThrows(MessageCipher.UnreadableContentException.class,
                () -> cipher.open(new MessageCipher.Sealed("k1", nonce, sealed.ciphertext()), AAD));
    }

    @Test
    void aCiphertextMovedToAnotherRecordIsRejected() {
        MessageCipher.Sealed sealed = cipher.seal(TEXT, AAD);
        byte[] otherRecord = "665f1c2e8f1b2a3c4d5e6f71|chat-1|alice".getBytes(StandardCharsets.UTF_8);
        assertThrows(MessageCipher.UnreadableContentException.class, () -> cipher.open(sealed, otherRecord));
    }

    @Test
    void aWrongOrUnknownKeyIdIsRejected() {
        MessageCipher both = new MessageCipher(Map.of("k1", OLD, "k2", NEW), "k2");
        MessageCipher.Sealed sealed = both.seal(TEXT, AAD);
        assertThrows(MessageCipher.UnreadableContentException.class,
                () -> both.open(new MessageCipher.Sealed("k1", sealed.nonce(), sealed.ciphertext()), AAD));
        assertThrows(MessageCipher.UnreadableContentException.class,
                () -> both.open(new MessageCipher.Sealed("k9", sealed.nonce(), sealed.ciphertext()), AAD));
    }

    @Test
    void rotationKeepsOldContentReadableAndSealsWithTheNewKey() {
        MessageCipher.Sealed old = cipher.seal(TEXT, AAD);
        MessageCipher rotated = new MessageCipher(Map.of("k1", OLD, "k2", NEW), "k2");

        assertArrayEquals(TEXT, rotated.open(old, AAD));
        assertEquals("k2", rotated.seal(TEXT, AAD).keyId());
    }

    @Test
    void badKeyConfigurationIsRefusedAtStart() {
        assertThrows(IllegalStateException.class, () -> new MessageCipher(Map.of("short", "AAAA"), null));
        assertThrows(IllegalStateException.class, () -> new MessageCipher(Map.of("k1", OLD, "k2", NEW), null));
        assertThrows(IllegalStateException.class, () -> new MessageCipher(Map.of("k1", OLD), "k2"));
        assertThrows(IllegalStateException.class, () -> new MessageCipher(Map.of(), null));
    }

    static String randomKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }
}
