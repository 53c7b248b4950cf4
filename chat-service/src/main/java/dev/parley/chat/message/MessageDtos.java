package dev.parley.chat.message;

import java.time.Instant;
import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Message bodies shared by REST and the WebSocket. */
public final class MessageDtos {

    static final String ID = "^[0-9a-f]{24}$";
    static final String CLIENT_ID = "^[A-Za-z0-9_-]{1,64}$";

    private MessageDtos() {
    }

    @Schema(name = "SendMessage", description = "Give chatId, or receiverId to find or create the direct chat."
            + " For image and file, content is an https URL and attachment describes it.")
    public record SendMessage(
            @Schema(example = "665f1c2e8f1b2a3c4d5e6f70") @Pattern(regexp = ID, message = "must be a chat id") String chatId,
            @Pattern(regexp = ID, message = "must be a user id") String receiverId,
            @Schema(required = true, description = "Text (at most parley.chat.max-content-bytes UTF-8 bytes) or an https URL")
            @NotBlank String content,
            @Schema(enumeration = { "text", "image", "file" }, defaultValue = "text")
            @Pattern(regexp = "^(text|image|file)$", message = "must be text, image or file") String type,
            @Schema(description = "Client-chosen id that makes retries safe", pattern = CLIENT_ID)
            @Pattern(regexp = CLIENT_ID, message = "must be 1-64 of A-Z a-z 0-9 _ -") String clientMessageId,
            @Valid Attachment attachment) {
    }

    @Schema(name = "Attachment", description = "What an image or file URL points at")
    public record Attachment(
            @Schema(required = true, maxLength = 255) @NotBlank @Size(max = 255) String name,
            @Schema(required = true) @NotNull @Min(0) @Max(2_147_483_647L) Long size,
            @Schema(required = true, example = "image/png") @NotBlank
            @Pattern(regexp = "^[a-z]+/[a-z0-9.+-]+$", message = "must be a media type") String mime) {
    }

    @Schema(name = "EditMessage")
    public record EditMessage(@Schema(required = true) @NotBlank String content) {
    }

    @Schema(name = "ReadUpTo")
    public record ReadUpTo(@Schema(required = true) @NotNull @Pattern(regexp = ID, message = "must be a message id") String messageId) {
    }

    @Schema(name = "Message")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record MessageView(
            @Schema(required = true) String id,
            @Schema(required = true) String chatId,
            @Schema(required = true, description = "Its place in the chat: 1, 2, 3, ...; history and sync go by it"
                    + " (a number is skipped only where a send was retried or failed)")
            long seq,
            @Schema(required = true) String senderId,
            @Schema(nullable = true) String receiverId,
            @Schema(required = true, enumeration = { "text", "image", "file" }) String type,
            @Schema(nullable = true, description = "Absent once deleted, or when it cannot be decrypted") String content,
            @Schema(nullable = true, description = "content_unreadable when the stored content failed its integrity check")
            String contentError,
            @Schema(nullable = true) Attachment attachment,
            @Schema(required = true) Instant timestamp,
            @Schema(required = true) String clientMessageId,
            @Schema(nullable = true) Instant editedAt,
            @Schema(nullable = true) Instant deletedAt,
            @Schema(required = true, description = "Read by every other participant") boolean read,
            @Schema(required = true, description = "Other participants who have read it") List<String> readBy) {
    }

    @Schema(name = "MessagePage")
    public record MessagePage(
            @Schema(required = true, description = "Newest first") List<MessageView> messages,
            @Schema(nullable = true, description = "Pass as before= for the next (older) page; absent on the last page")
            String nextCursor) {
    }
}
