package dev.parley.chat.message;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.gt;
import static com.mongodb.client.model.Filters.in;
import static com.mongodb.client.model.Filters.lt;
import static com.mongodb.client.model.Filters.or;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

import jakarta.enterprise.context.ApplicationScoped;

import org.bson.Document;
import org.bson.conversions.Bson;
import org.bson.types.ObjectId;

import com.fasterxml.jackson.databind.util.RawValue;
import com.mongodb.client.model.Updates;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.smallrye.mutiny.infrastructure.Infrastructure;

import dev.parley.chat.ChatConfig;
import dev.parley.chat.chat.Chat;
import dev.parley.chat.chat.ChatDirectory;
import dev.parley.chat.chat.ChatDirectory.Members;
import dev.parley.chat.chat.ChatService;
import dev.parley.chat.message.MessageDtos.MessagePage;
import dev.parley.chat.message.MessageDtos.MessageView;
import dev.parley.chat.message.MessageDtos.SendMessage;
import dev.parley.chat.realtime.ChatEvents;
import dev.parley.support.problem.ProblemException;

/**
 * Everything that happens to messages. REST and the WebSocket both call {@link #send}: validate,
 * seal, store through the {@link MessageWriter}, then tell the participants.
 */
@ApplicationScoped
public class MessageService {

    private final ChatConfig config;
    private final ChatDirectory directory;
    private final ChatService chats;
    private final MessageViews views;
    private final MessageWriter writer;
    private final ChatEvents events;

    public MessageService(ChatConfig config, ChatDirectory directory, ChatService chats, MessageViews views,
            MessageWriter writer, ChatEvents events) {
        this.config = config;
        this.directory = directory;
        this.chats = chats;
        this.views = views;
        this.writer = writer;
        this.events = events;
    }

    /** A stored send: the message (also serialized) and whether it had been stored before (a retry). */
    public record Sent(MessageView message, RawValue serialized, boolean duplicate) {
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
     * operator captures and restores the caller's context (with the operators this path had, about
     * a tenth of chat-service's CPU per message), a stage does not. Failures are
     * {@link ProblemException}s, possibly wrapped in a {@link java.util.concurrent.CompletionException}.
     */
    public CompletionStage<Sent> sendStage(String senderId, SendMessage request, String senderConnection) {
        String type = request.type() == null ? "text" : request.type();
        try {
            validateContent(type, request);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        Members cached = request.chatId() == null ? null : directory.cached(request.chatId());
        CompletionStage<Members> members = cached != null ? CompletableFuture.completedFuture(cached)
                : CompletableFuture.supplyAsync(() -> resolveChat(senderId, request), Infrastructure.getDefaultWorkerPool());
        return members.thenCompose(chat -> store(senderId, type, request, chat, senderConnection));
    }

    private CompletionStage<Sent> store(String senderId, String type, SendMessage request, Members chat,
            String senderConnection) {
        if (!chat.includes(senderId)) {
            throw ProblemException.forbidden("not_a_participant", "You are not in this chat");
        }
        Message message = new Message();
        message.id = new ObjectId();
        message.chatId = chat.chatId();
        message.senderId = senderId;
        message.receiverId = Chat.DIRECT.equals(chat.type()) ? chat.otherThan(senderId) : null;
        message.type = type;
        message.timestamp = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        message.clientMessageId = request.clientMessageId() != null ? request.clientMessageId() : UUID.randomUUID().toString();
        views.seal(message, request.content(), request.attachment());
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
                // a new message's content is what was just sealed: no need to open it again
                MessageView view = stored.duplicate() ? views.view(stored.message(), Map.of(), chat.participantIds())
                        : views.fresh(stored.message(), request.content(), request.attachment());
                RawValue serialized = events.serialized(view);
                if (!stored.duplicate()) {
                    events.messageCreated(chat, serialized, senderConnection);
                }
                sent.complete(new Sent(view, serialized, stored.duplicate()));
            } catch (RuntimeException e) {
                sent.completeExceptionally(e);
            }
        }));
        return sent;
    }

    /** Newest first, {@code limit} at most, strictly older than {@code before} when given. */
    public MessagePage history(String userId, String chatId, String before, int limit) {
        directory.membersFor(chatId, userId);
        Bson filter = eq("chatId", chatId);
        if (before != null) {
            HistoryCursor cursor = HistoryCursor.decode(before);
            if (cursor == null) {
                throw ProblemException.badRequest("invalid_cursor", "before is not a cursor this service issued");
            }
            filter = and(filter, or(lt("timestamp", cursor.timestamp()),
                    and(eq("timestamp", cursor.timestamp()), lt("_id", cursor.id()))));
        }
        List<Message> page = Message.<Message>mongoCollection().find(filter)
                .sort(new Document("timestamp", -1).append("_id", -1)).limit(limit + 1).into(new ArrayList<>(limit + 1));
        String next = null;
        if (page.size() > limit) {
            page = page.subList(0, limit);
            next = HistoryCursor.of(page.get(limit - 1)).encode();
        }
        Chat chat = Chat.findById(new ObjectId(chatId));
        List<MessageView> messages = new ArrayList<>(page.size());
        page.forEach(m -> messages.add(views.view(m, chat)));
        return new MessagePage(messages, next);
    }

    /** Every message of the user's chats after {@code since} (a message id), oldest first, one page. */
    public SyncPage sync(String userId, String since) {
        Bson after;
        if (since == null || since.isBlank()) {
            throw ProblemException.badRequest("validation_failed", "since is required: the id of the last message you have");
        }
        Message last = ObjectId.isValid(since) ? Message.findById(new ObjectId(since)) : null;
        if (last != null) {
            directory.membersFor(last.chatId, userId);
            after = or(gt("timestamp", last.timestamp), and(eq("timestamp", last.timestamp), gt("_id", last.id)));
        } else {
            HistoryCursor cursor = HistoryCursor.decode(since);
            if (cursor == null) {
                throw ProblemException.badRequest("invalid_cursor", "since is neither a message id nor a cursor");
            }
            after = or(gt("timestamp", cursor.timestamp()), and(eq("timestamp", cursor.timestamp()), gt("_id", cursor.id())));
        }
        Map<String, Chat> mine = new HashMap<>();
        Chat.<Chat>mongoCollection().find(eq("participantIds", userId)).forEach(c -> mine.put(c.idHex(), c));
        if (mine.isEmpty()) {
            return new SyncPage(List.of(), false);
        }
        int size = config.syncPageSize();
        List<Message> found = Message.<Message>mongoCollection().find(and(in("chatId", mine.keySet()), after))
                .sort(new Document("timestamp", 1).append("_id", 1)).limit(size + 1).into(new ArrayList<>());
        boolean more = found.size() > size;
        List<MessageView> messages = new ArrayList<>();
        found.stream().limit(size).forEach(m -> messages.add(views.view(m, mine.get(m.chatId))));
        return new SyncPage(messages, more);
    }

    /** A sync answer: oldest first; when {@code more}, ask again from the last one. */
    public record SyncPage(List<MessageView> messages, boolean more) {
    }

    public MessageView edit(String userId, String messageId, String content) {
        Message message = ownMessage(userId, messageId);
        if (!"text".equals(message.type)) {
            throw ProblemException.badRequest("not_editable", "Only text messages can be edited");
        }
        validateContent("text", new SendMessage(message.chatId, null, content, "text", null, null));
        views.seal(message, content, null);
        message.editedAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        message.update();
        Chat chat = Chat.findById(new ObjectId(message.chatId));
        MessageView view = views.view(message, chat);
        events.messageUpdated(directory.find(message.chatId), view);
        return view;
    }

    public void delete(String userId, String messageId) {
        Message message = ownMessage(userId, messageId);
        if (message.deletedAt != null) {
            return;
        }
        message.deletedAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        message.keyId = null;
        message.nonce = null;
        message.ciphertext = null;
        message.update();
        events.messageDeleted(directory.find(message.chatId), message.chatId, message.idHex(), message.deletedAt);
    }

    /** Moves the user's read position forward to the message (never back) and tells the others. */
    public void markRead(String userId, String chatId, String messageId) {
        Members members = directory.membersFor(chatId, userId);
        Message message = ObjectId.isValid(messageId) ? Message.findById(new ObjectId(messageId)) : null;
        if (message == null || !message.chatId.equals(chatId)) {
            throw ProblemException.notFound("message_not_found", "No such message in this chat");
        }
        Chat chat = Chat.findById(new ObjectId(chatId));
        Chat.ReadMarker current = chat.readMarkers == null ? null : chat.readMarkers.get(userId);
        if (current != null && current.covers(message.timestamp, message.idHex())) {
            return;
        }
        Chat.ReadMarker marker = new Chat.ReadMarker(message.idHex(), message.timestamp);
        Chat.mongoCollection().updateOne(eq("_id", chat.id), Updates.set("readMarkers." + userId, marker));
        events.messageRead(members, userId, message.idHex());
    }

    private Message ownMessage(String userId, String messageId) {
        Message message = ObjectId.isValid(messageId) ? Message.findById(new ObjectId(messageId)) : null;
        if (message == null) {
            throw ProblemException.notFound("message_not_found", "No such message");
        }
        directory.membersFor(message.chatId, userId);
        if (!message.senderId.equals(userId)) {
            throw ProblemException.forbidden("not_your_message", "Only the sender may change a message");
        }
        return message;
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

    private void validateContent(String type, SendMessage request) {
        if (request.chatId() != null && request.receiverId() != null) {
            throw ProblemException.badRequest("validation_failed", "Give chatId or receiverId, not both");
        }
        String content = request.content();
        if (content == null || content.isBlank()) {
            throw ProblemException.badRequest("validation_failed", "content must not be empty");
        }
        if (content.getBytes(StandardCharsets.UTF_8).length > config.maxContentBytes()) {
            throw new ProblemException(413, "content_too_large", "Content too large",
                    "content is larger than " + config.maxContentBytes() + " bytes");
        }
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
