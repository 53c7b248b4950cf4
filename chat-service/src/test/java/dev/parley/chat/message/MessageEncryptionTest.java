package dev.parley.chat.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;

import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.parley.chat.crypto.MessageCipher;
import dev.parley.chat.crypto.MessageCipher.UnreadableContentException;
import dev.parley.chat.message.MessageDtos.Attachment;

/** What a stored message's ciphertext is bound to (review L8), and what a failure says. */
class MessageEncryptionTest {

    private final MessageCipher cipher = new MessageCipher(Map.of("k1", randomKey()), null);
    private final MessageEncryption encryption = new MessageEncryption(cipher, new ObjectMapper());

    private static String randomKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    private static Message message(String type) {
        Message m = new Message();
        m.id = new ObjectId();
        m.chatId = new ObjectId().toHexString();
        m.senderId = new ObjectId().toHexString();
        m.type = type;
        return m;
    }

    @Test
    void aRecordRelabelledAsAnotherTypeNoLongerOpens() {
        Message text = message("text");
        encryption.seal(text, "https://example.com/not-really-an-image", null);
        assertEquals("https://example.com/not-really-an-image", encryption.open(text).content());

        text.type = "image"; // someone with write access to the store relabels the record
        assertThrows(UnreadableContentException.class, () -> encryption.open(text));
    }

    @Test
    void anAttachmentThatCannotBeParsedSaysSoWithoutQuotingItsContent() {
        Message image = message("image");
        // sealed as an image, bound correctly, but the plaintext is not the attachment document
        image.seal(cipher.seal("my secret plans".getBytes(StandardCharsets.UTF_8), image.associatedData()));

        UnreadableContentException failure = assertThrows(UnreadableContentException.class, () -> encryption.open(image));
        assertFalse(failure.getMessage().contains("secret"), failure.getMessage());
        assertFalse(failure.getMessage().contains("plans"), failure.getMessage());
    }

    @Test
    void reEncryptionBindsTheTypeToo() {
        Message file = message("file");
        encryption.seal(file, "https://files.example.com/a.pdf", new Attachment("a.pdf", 10L, "application/pdf"));
        file.seal(encryption.resealed(file));
        assertEquals("a.pdf", encryption.open(file).attachment().name());
        file.type = "image";
        assertThrows(UnreadableContentException.class, () -> encryption.open(file));
    }
}
