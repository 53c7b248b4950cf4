package dev.parley.chat.chat;

import java.time.Instant;
import java.util.List;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import dev.parley.chat.message.MessageDtos.MessageView;

/** Bodies of /chat. */
public final class ChatDtos {

    private ChatDtos() {
    }

    @Schema(name = "CreateChatRequest", description = "One other participant and no name makes a direct chat;"
            + " a name (and one or more others) makes a group. The caller is always a participant.")
    public record CreateChatRequest(
            @Schema(required = true) @NotNull @Size(min = 1, max = 99)
            List<@NotNull @Pattern(regexp = "^[0-9a-f]{24}$", message = "must be a user id") String> participantIds,
            @Schema(maxLength = 100) @Size(min = 1, max = 100) String name) {
    }

    @Schema(name = "Chat")
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    public record ChatView(
            @Schema(required = true) String id,
            @Schema(required = true, enumeration = { "direct", "group" }) String type,
            @Schema(required = true) List<String> participantIds,
            @Schema(nullable = true) String name,
            @Schema(required = true) Instant createdAt,
            @Schema(required = true) String createdBy,
            @Schema(required = true) Instant lastMessageAt,
            @Schema(nullable = true, description = "Newest message, if any") MessageView lastMessage,
            @Schema(required = true, description = "Messages from others after my read position") long unreadCount) {
    }

    @Schema(name = "ChatList")
    public record ChatList(@Schema(required = true) List<ChatView> chats) {
    }
}
