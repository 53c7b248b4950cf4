package dev.parley.chat.inbox;

import java.time.Instant;
import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.parley.chat.message.MessageDtos.MessageView;

/** Bodies of the chat list: each chat as one user sees it. */
public final class InboxDtos {

    private InboxDtos() {
    }

    @Schema(name = "Chat")
    @JsonInclude(JsonInclude.Include.NON_NULL)
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
