package dev.parley.chat.message;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.parley.chat.crypto.MessageCipher;
import dev.parley.chat.crypto.MessageCipher.UnreadableContentException;
import dev.parley.chat.message.MessageDtos.Attachment;

/**
 * Where a message's content is encrypted and decrypted: AES-256-GCM by the {@link MessageCipher},
 * bound to the message's id, chat, sender and type. Text is sealed as its UTF-8 bytes; an image or file
 * as a small JSON document of URL and attachment data, so the file name is encrypted too.
 */
@ApplicationScoped
public class MessageEncryption {

    /** What an image or file message's ciphertext holds. */
    record AttachmentBody(String url, String name, Long size, String mime) {
    }

    /** A message's content in clear: text or URL, and the attachment of an image or file. */
    public record Content(String content, Attachment attachment) {
    }

    private final MessageCipher cipher;
    private final ObjectMapper json;

    public MessageEncryption(MessageCipher cipher, ObjectMapper json) {
        this.cipher = cipher;
        this.json = json;
    }

    /** Encrypts content into the message (its id, chat and sender must be set). */
    public void seal(Message message, String content, Attachment attachment) {
        byte[] plaintext;
        if (attachment == null) {
            plaintext = content.getBytes(StandardCharsets.UTF_8);
        } else {
            try {
                plaintext = json.writeValueAsBytes(new AttachmentBody(content, attachment.name(), attachment.size(), attachment.mime()));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
        message.seal(cipher.seal(plaintext, message.associatedData()));
    }

    /**
     * Decrypts the message's content.
     *
     * @throws UnreadableContentException when it fails its integrity check or cannot be parsed
     */
    public Content open(Message message) {
        MessageCipher.Sealed sealed = message.sealed();
        byte[] plaintext = cipher.open(sealed, message.associatedData(sealed));
        if ("text".equals(message.type)) {
            return new Content(new String(plaintext, StandardCharsets.UTF_8), null);
        }
        try {
            AttachmentBody body = json.readValue(plaintext, AttachmentBody.class);
            return new Content(body.url(), new Attachment(body.name(), body.size(), body.mime()));
        } catch (IOException e) {
            // the parser's message would quote the decrypted bytes: content never reaches a log
            throw new UnreadableContentException("attachment body is not valid (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** Encrypts the content again under the active key (key rotation); the message is unchanged. */
    public MessageCipher.Sealed resealed(Message message) {
        MessageCipher.Sealed sealed = message.sealed();
        byte[] plaintext = cipher.open(sealed, message.associatedData(sealed));
        return cipher.seal(plaintext, message.associatedData());
    }

    public String activeKeyId() {
        return cipher.activeKeyId();
    }
}
