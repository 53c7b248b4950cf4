package dev.parley.chat.message;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;

import dev.parley.chat.ChatConfig;
import dev.parley.chat.StoreTiming;
import dev.parley.chat.message.MessageDtos.EditMessage;
import dev.parley.chat.message.MessageDtos.MessagePage;
import dev.parley.chat.message.MessageDtos.MessageView;
import dev.parley.chat.message.MessageDtos.ReadUpTo;
import dev.parley.chat.message.MessageDtos.SendMessage;

/** History and the REST fallback for sending. Participants of the chat only (role user). */
@Path("/chat")
@Tag(name = "messages")
@RolesAllowed("user")
@SecurityRequirement(name = "bearer")
@Produces(MediaType.APPLICATION_JSON)
@APIResponse(responseCode = "401", description = "No or invalid access token")
@APIResponse(responseCode = "403", description = "Not a participant (not_a_participant), not the sender"
        + " (not_your_message), or not a user token")
@APIResponse(responseCode = "404", description = "chat_not_found or message_not_found")
@APIResponse(responseCode = "400", description = "validation_failed, invalid_cursor")
@APIResponse(responseCode = "503", description = "store_unavailable: the message store cannot be reached; overloaded (sends"
        + " only): too many messages are waiting for the store. Nothing was stored: retry after Retry-After seconds"
        + " (a send with the same clientMessageId)",
        headers = @Header(name = "Retry-After", description = "Seconds to wait before retrying",
                schema = @Schema(type = SchemaType.INTEGER)))
public class MessageResource {

    private final boolean serverTiming;
    private final MessageSender sender;
    private final MessageHistory history;
    private final MessageEdits edits;
    private final ReadReceipts receipts;
    private final JsonWebToken caller;

    public MessageResource(MessageSender sender, MessageHistory history, MessageEdits edits, ReadReceipts receipts,
            JsonWebToken caller, ChatConfig config) {
        this.serverTiming = config.serverTiming();
        this.sender = sender;
        this.history = history;
        this.edits = edits;
        this.receipts = receipts;
        this.caller = caller;
    }

    @GET
    @Path("/{chatId}")
    @Blocking
    @Operation(summary = "A page of history", description = "Participants only. Newest first; pass nextCursor as"
            + " before= for older messages. Pages never overlap or skip, whatever arrives meanwhile.")
    @APIResponse(responseCode = "200", description = "The page",
            headers = @Header(name = "Server-Timing", description = "Only when the operator turned it on"
                    + " (parley.chat.server-timing): milliseconds spent in the store and in chat-service"
                    + " (W3C Server Timing): store;dur=1.234, app;dur=0.567", schema = @Schema(type = SchemaType.STRING)),
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = MessagePage.class)))
    public RestResponse<MessagePage> history(@PathParam("chatId") String chatId,
            @QueryParam("before") @Size(max = 100) String before,
            @QueryParam("limit") @DefaultValue("50") @Min(1) @Max(100) int limit) {
        try (StoreTiming.Scope timing = StoreTiming.begin()) {
            MessagePage page = history.page(caller.getSubject(), chatId, before, limit);
            return serverTiming ? RestResponse.ResponseBuilder.ok(page).header("Server-Timing", timing.serverTiming()).build()
                    : RestResponse.ok(page);
        }
    }

    @POST
    @Path("/message")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Send a message (REST fallback)", description = "Participants only (receiverId finds or"
            + " creates the direct chat). Same path as the WebSocket send: online participants get message:receive."
            + " A retry with the same clientMessageId returns the stored message with 200.")
    @APIResponse(responseCode = "201", description = "Stored",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = MessageView.class)))
    @APIResponse(responseCode = "200", description = "Already stored by an earlier try",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = MessageView.class)))
    @APIResponse(responseCode = "413", description = "content_too_large")
    public Uni<Response> send(@NotNull @Valid SendMessage body) {
        return sender.send(caller.getSubject(), body, null)
                .map(sent -> Response.status(sent.duplicate() ? 200 : 201).entity(sent.message()).build());
    }

    @POST
    @Path("/{chatId}/read")
    @Blocking
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Mark read up to a message", description = "Participants only. Everything up to and"
            + " including the message is read by the caller; the others get message:read.")
    @APIResponse(responseCode = "204", description = "Read position moved (or already there)")
    public void read(@PathParam("chatId") String chatId, @NotNull @Valid ReadUpTo body) {
        receipts.markRead(caller.getSubject(), chatId, body.messageId());
    }

    @PATCH
    @Path("/message/{id}")
    @Blocking
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Edit my message", description = "The sender only, text messages only, not once deleted;"
            + " participants get message:updated.")
    @APIResponse(responseCode = "200", description = "Edited",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = MessageView.class)))
    @APIResponse(responseCode = "413", description = "content_too_large")
    @APIResponse(responseCode = "409", description = "message_deleted: a deleted message cannot be edited")
    public MessageView edit(@PathParam("id") String id, @NotNull @Valid EditMessage body) {
        return edits.edit(caller.getSubject(), id, body.content());
    }

    @DELETE
    @Path("/message/{id}")
    @Blocking
    @Operation(summary = "Delete my message", description = "The sender only. The content is wiped; the message"
            + " keeps its place in history with deletedAt. Participants get message:deleted.")
    @APIResponse(responseCode = "204", description = "Deleted (or already deleted)")
    public void delete(@PathParam("id") String id) {
        edits.delete(caller.getSubject(), id);
    }
}
