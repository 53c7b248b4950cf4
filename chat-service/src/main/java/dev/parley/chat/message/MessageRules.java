package dev.parley.chat.message;

import java.net.URI;
import java.nio.charset.StandardCharsets;

import jakarta.enterprise.context.ApplicationScoped;

import dev.parley.chat.ChatConfig;
import dev.parley.chat.message.MessageDtos.SendMessage;
import dev.parley.support.problem.ProblemException;

/** What a message's content must be, beyond bean validation: not empty, not too large, and an https URL for image and file. */
@ApplicationScoped
public class MessageRules {

    private final int maxContentBytes;

    public MessageRules(ChatConfig config) {
        this.maxContentBytes = config.maxContentBytes();
    }

    /** The type a send asks for: text unless it says otherwise. */
    public static String typeOf(SendMessage request) {
        return request.type() == null ? "text" : request.type();
    }

    public void checkSend(SendMessage request) {
        if (request.chatId() != null && request.receiverId() != null) {
            throw ProblemException.badRequest("validation_failed", "Give chatId or receiverId, not both");
        }
        String type = typeOf(request);
        checkContent(request.content());
        if ("text".equals(type)) {
            if (request.attachment() != null) {
                throw ProblemException.badRequest("validation_failed", "A text message has no attachment");
            }
            return;
        }
        if (request.attachment() == null) {
            throw ProblemException.badRequest("validation_failed", "An " + type + " message needs attachment {name, size, mime}");
        }
        if ("image".equals(type) && !request.attachment().mime().startsWith("image/")) {
            throw ProblemException.badRequest("validation_failed", "attachment.mime of an image must be image/*");
        }
        checkUrl(type, request.content());
    }

    /** The new text of an edit. */
    public void checkText(String content) {
        checkContent(content);
    }

    private void checkContent(String content) {
        if (content == null || content.isBlank()) {
            throw ProblemException.badRequest("validation_failed", "content must not be empty");
        }
        if (content.getBytes(StandardCharsets.UTF_8).length > maxContentBytes) {
            throw new ProblemException(413, "content_too_large", "Content too large",
                    "content is larger than " + maxContentBytes + " bytes");
        }
    }

    private static void checkUrl(String type, String content) {
        try {
            URI uri = URI.create(content);
            if (!"https".equals(uri.getScheme()) || uri.getHost() == null || content.length() > 2048) {
                throw ProblemException.badRequest("validation_failed", "content of an " + type + " must be an https URL");
            }
        } catch (IllegalArgumentException e) {
            throw ProblemException.badRequest("validation_failed", "content of an " + type + " must be an https URL");
        }
    }
}
