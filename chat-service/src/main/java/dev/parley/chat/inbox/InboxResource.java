package dev.parley.chat.inbox;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.parley.chat.conversation.ChatDtos.CreateChatRequest;
import dev.parley.chat.inbox.InboxDtos.ChatList;
import dev.parley.chat.inbox.InboxDtos.ChatView;

/** Creating and listing chats. Signed-in users only (role user). */
@Path("/chat")
@Tag(name = "chats")
@RolesAllowed("user")
@SecurityRequirement(name = "bearer")
@SecurityScheme(securitySchemeName = "bearer", type = SecuritySchemeType.HTTP, scheme = "bearer", bearerFormat = "JWT")
@Produces(MediaType.APPLICATION_JSON)
@APIResponse(responseCode = "401", description = "No or invalid access token")
@APIResponse(responseCode = "403", description = "Not a user token")
@APIResponse(responseCode = "503", description = "store_unavailable: the store cannot be reached; retry after Retry-After seconds",
        headers = @Header(name = "Retry-After", description = "Seconds to wait before retrying",
                schema = @Schema(type = SchemaType.INTEGER)))
public class InboxResource {

    private final Inbox inbox;
    private final JsonWebToken caller;

    public InboxResource(Inbox inbox, JsonWebToken caller) {
        this.inbox = inbox;
        this.caller = caller;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Start a chat", description = "Any signed-in user; they become a participant. A direct chat"
            + " with the same person is returned (200) instead of created again.")
    @APIResponse(responseCode = "201", description = "Created",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ChatView.class)))
    @APIResponse(responseCode = "200", description = "The existing direct chat",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ChatView.class)))
    @APIResponse(responseCode = "400", description = "validation_failed")
    public Response create(@NotNull @Valid CreateChatRequest body) {
        Inbox.Started started = inbox.start(caller.getSubject(), body);
        return Response.status(started.existed() ? 200 : 201).entity(started.chat()).build();
    }

    @GET
    @Operation(summary = "My chats", description = "Any signed-in user: the chats they are in, newest activity first,"
            + " each with its newest message and their unread count (at most 200).")
    @APIResponse(responseCode = "200", description = "The chats",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ChatList.class)))
    public ChatList list() {
        return new ChatList(inbox.list(caller.getSubject()));
    }
}
