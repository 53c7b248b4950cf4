package dev.parley.chat.conversation;

import java.util.List;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Bodies of /chat that belong to chats themselves (the chat list's are in the inbox). */
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
}
