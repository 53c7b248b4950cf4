package dev.parley.chat.message;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

import jakarta.enterprise.context.ApplicationScoped;

import org.bson.types.ObjectId;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

import dev.parley.chat.StoreAvailability;
import dev.parley.chat.conversation.Chat;
import dev.parley.chat.conversation.ChatDirectory;
import dev.parley.chat.conversation.ChatDirectory.Members;
import dev.parley.chat.conversation.ChatService;
import dev.parley.chat.message.MessageDtos.MessageView;
import dev.parley.chat.message.MessageDtos.SendMessage;
import dev.parley.support.problem.ProblemException;

/**
 * Sending, for REST and the WebSocket alike: check, seal, store through the {@link MessageWriter},
 * then tell the participants through {@link MessageEvents}.
 */
@ApplicationScoped
public class MessageSender {

    private final MessageRules rules;
    private final ChatDirectory directory;
    private final ChatService chats;
    private final MessageEncryption encryption;
    private final MessageViewer viewer;
    private final MessageWriter writer;
    private final MessageEvents events;
    private final StoreAvailability availability;

    public MessageSender(MessageRules rules, ChatDirectory directory, ChatService chats, MessageEncryption encryption,
            MessageViewer viewer, MessageWriter writer, MessageEvents events, StoreAvailability availability) {
        this.rules = rules;
        this.directory = directory;
        this.chats = chats;
        this.encryption = encryption;
        this.viewer = viewer;
        this.writer = writer;
        this.events = events;
        this.availability = availability;
    }

    /**
     * Sends a message (already bean-validated). Never blocks the caller's thread: a chat not yet
     * cached is looked up on a worker, and the store write is the writer's.
     *
     * @param senderConnection the sending WebSocket connection (it gets an ack, not a receive), or null
     */
    public Uni<Sent> send(String senderId, SendMessage request, String senderConnection) {
        return Uni.createFrom().completionStage(() -> sendStage(senderId, request, senderConnection));
    }

    /**
     * {@link #send} as a plain completion stage, for the WebSocket's hot path: every Mutiny
     * operator captures and restores the caller's context, a stage does not (docs/benchmarks.md
     * has what that cost). Failures are {@link ProblemException}s, possibly wrapped in a
     * {@link CompletionException}. While the store is known to be down the send is refused at once
     * with {@code store_unavailable}; a full writer answers {@code overloaded} (both 503, retryable).
     */
    public CompletionStage<Sent> sendStage(String senderId, SendMessage request, String senderConnection) {
        try {
            rules.checkSend(request);
            availability.checkAccepting();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        Members cached = request.chatId() == null ? null : directory.cached(request.chatId());
        CompletionStage<Members> members = cached != null ? CompletableFuture.completedFuture(cached)
                : CompletableFuture.supplyAsync(() -> resolveChatOrUnavailable(senderId, request),
                        Infrastructure.getDefaultWorkerPool());
        return members.thenCompose(chat -> store(senderId, request, chat, senderConnection));
    }

    private CompletionStage<Sent> store(String senderId, SendMessage request, Members chat, String senderConnection) {
        if (!chat.includes(senderId)) {
            throw ProblemException.forbidden("not_a_participant", "You are not in this chat");
        }
        Message message = newMessage(senderId, request, chat);
        // continue on the caller's context (a socket's or a request's event loop) rather than
        // hopping through the worker pool: nothing after the write blocks
        Context caller = Vertx.currentContext();
        Executor back = caller == null ? Infrastructure.getDefaultWorkerPool()
                : command -> caller.runOnContext(ignored -> command.run());
        CompletableFuture<Sent> sent = new CompletableFuture<>();
        writer.write(message).whenComplete((stored, failure) -> back.execute(() -> {
            if (failure != null) {
                sent.completeExceptionally(failure);
                return;
            }
            try {
                sent.complete(announce(stored, request, chat, senderConnection));
            } catch (RuntimeException e) {
                sent.completeExceptionally(e);
            }
        }));
        return sent;
    }

    private Message newMessage(String senderId, SendMessage request, Members chat) {
        Message message = new Message();
        message.id = new ObjectId();
        message.chatId = chat.chatId();
        message.senderId = senderId;
        message.receiverId = Chat.DIRECT.equals(chat.type()) ? chat.otherThan(senderId) : null;
        message.type = MessageRules.typeOf(request);
        message.timestamp = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        message.clientMessageId = request.clientMessageId() != null ? request.clientMessageId() : UUID.randomUUID().toString();
        encryption.seal(message, request.content(), request.attachment());
        return message;
    }

    private Sent announce(MessageWriter.Stored stored, SendMessage request, Members chat, String senderConnection) {
        // a new message's content is what was just sealed: no need to open it again
        MessageView view = stored.duplicate() ? viewer.view(stored.message(), Map.of(), chat.participantIds())
                : viewer.fresh(stored.message(), request.content(), request.attachment());
        Sent sent = new Sent(view, stored.duplicate());
        // a retry is told to the participants again: the first try's replica may have died between
        // storing the message and telling them (clients de-duplicate by id)
        events.created(chat, sent, senderConnection);
        return sent;
    }

    /** {@link #resolveChat}, with a store outage as the same {@code store_unavailable} the writer answers. */
    private Members resolveChatOrUnavailable(String senderId, SendMessage request) {
        try {
            return resolveChat(senderId, request);
        } catch (RuntimeException e) {
            if (StoreAvailability.isOutage(e)) {
                availability.failed(e);
                throw availability.unavailable();
            }
            throw e;
        }
    }

    private Members resolveChat(String senderId, SendMessage request) {
        if (request.chatId() != null) {
            Members members = directory.find(request.chatId());
            if (members == null) {
                throw ProblemException.notFound("chat_not_found", "No such chat");
            }
            return members;
        }
        if (request.receiverId() == null) {
            throw ProblemException.badRequest("validation_failed", "Give chatId or receiverId");
        }
        return directory.remember(chats.findOrCreateDirect(senderId, request.receiverId()).chat());
    }
}
