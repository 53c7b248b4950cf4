package dev.parley.chat.realtime;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Validator;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

import dev.parley.chat.ChatConfig;
import dev.parley.chat.StoreAvailability;
import dev.parley.chat.conversation.ChatDirectory;
import dev.parley.chat.message.ChatSync;
import dev.parley.chat.message.MessageDtos.MessageView;
import dev.parley.chat.message.MessageDtos.SendMessage;
import dev.parley.chat.message.MessageHistory;
import dev.parley.chat.message.MessageSender;
import dev.parley.chat.message.ReadReceipts;
import dev.parley.chat.presence.PresenceTracker;
import dev.parley.support.problem.ProblemException;

/**
 * What each client event does. Every event is authorized on its own (membership is checked per
 * chat, per event); anything rejected becomes an {@code error} event for the sender and the
 * connection carries on.
 */
@ApplicationScoped
public class SocketProtocol {

    private static final Logger LOG = Logger.getLogger(SocketProtocol.class);
    /** Events with a pace of their own (beyond the frame rate), checked before any work. */
    private static final Map<String, SocketSession.Limit> LIMITED = Map.of("user:typing", SocketSession.Limit.TYPING,
            "user:status", SocketSession.Limit.STATUS, "sync", SocketSession.Limit.SYNC,
            "message:read", SocketSession.Limit.READ);

    private final ObjectMapper json;
    private final Validator validator;
    private final MessageSender sender;
    private final MessageHistory history;
    private final ChatSync chatSync;
    private final ReadReceipts receipts;
    private final ChatDirectory directory;
    private final ChatEvents events;
    private final PresenceTracker presence;
    private final int syncPageBytes;

    private final Refusals refusals;

    public SocketProtocol(ObjectMapper json, Validator validator, MessageSender sender, MessageHistory history,
            ChatSync chatSync, ReadReceipts receipts, ChatDirectory directory, ChatEvents events, PresenceTracker presence,
            ChatConfig config, Refusals refusals) {
        this.refusals = refusals;
        this.syncPageBytes = config.socket().syncPageBytes();
        this.json = json;
        this.validator = validator;
        this.sender = sender;
        this.history = history;
        this.chatSync = chatSync;
        this.receipts = receipts;
        this.directory = directory;
        this.events = events;
        this.presence = presence;
    }

    Uni<String> handle(SocketSession session, String connectionId, String frame) {
        JsonNode root;
        try {
            root = json.readTree(frame);
        } catch (JsonProcessingException e) {
            return Uni.createFrom().item(error("bad_json", "The frame is not JSON", null));
        }
        if (root == null || !root.isObject() || !root.path("event").isTextual()) {
            return Uni.createFrom().item(error("bad_envelope", "Expected {\"event\": \"...\", \"data\": {...}}", null));
        }
        String event = root.get("event").asText();
        String ref = root.path("id").isTextual() ? root.get("id").asText() : null;
        JsonNode data = root.path("data");
        SocketSession.Limit limit = LIMITED.get(event);
        if (limit != null && !session.allow(limit)) {
            refusals.refused(event);
            return Uni.createFrom().item(rateLimited(event, ref));
        }
        Uni<String> reply = switch (event) {
            case "message:send" -> send(session, connectionId, data, ref);
            case "user:typing" -> blocking(() -> typing(session, data));
            case "message:read" -> blocking(() -> read(session, data));
            case "user:status" -> Uni.createFrom().item(() -> status(session, data, ref));
            case "sync" -> blocking(() -> sync(session, data, ref));
            default -> Uni.createFrom().item(error("unknown_event", "Unknown event " + event, ref));
        };
        return reply.onFailure().recoverWithItem(failure -> failureToError(failure, ref));
    }

    /**
     * The {@code id} of a frame refused before it is read (over the frame rate, too many in
     * flight), so its sender knows which request was refused, found without parsing: only among
     * the first 256 characters, only before {@code "data"} (the envelope's own id, as clients send
     * it first), at most 64 characters without escapes; null otherwise.
     */
    static String quickRef(String frame) {
        int window = Math.min(frame.length(), 256);
        int key = frame.indexOf("\"id\"");
        if (key < 0 || key >= window) {
            return null;
        }
        int data = frame.indexOf("\"data\"");
        if (data >= 0 && data < key) {
            return null;
        }
        int i = key + 4;
        while (i < window && (frame.charAt(i) == ' ' || frame.charAt(i) == ':')) {
            i++;
        }
        if (i >= window || frame.charAt(i) != '"') {
            return null;
        }
        int end = frame.indexOf('"', i + 1);
        if (end < 0 || end - i - 1 > 64 || end >= window) {
            return null;
        }
        for (int c = i + 1; c < end; c++) {
            if (frame.charAt(c) == '\\' || frame.charAt(c) < 0x20) {
                return null; // would need escaping in the answer
            }
        }
        return frame.substring(i + 1, end);
    }

    /**
     * The same {@code error} frame as {@link #error}, written without a serializer: for the
     * refusals a replica sends most under overload ({@code busy}, {@code overloaded},
     * {@code rate_limited}), whose code and message are constants of ours (no character to escape)
     * and whose ref is a {@link #quickRef} (no quote, backslash or control character).
     */
    static String refusal(String code, String message, String ref) {
        StringBuilder frame = new StringBuilder(64 + message.length() + (ref == null ? 0 : ref.length()))
                .append("{\"event\":\"error\",\"data\":{\"code\":\"").append(code).append("\",\"message\":\"")
                .append(message).append('"');
        if (ref != null) {
            frame.append(",\"ref\":\"").append(ref).append('"');
        }
        return frame.append("}}").toString();
    }

    String error(String code, String message, String ref) {
        Map<String, Object> data = ref == null ? Map.of("code", code, "message", message)
                : Map.of("code", code, "message", message, "ref", ref);
        return events.frame("error", data);
    }

    /** Over an event's own limit: the error names the event (in {@code event}), and nothing of it was done. */
    private String rateLimited(String event, String ref) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("code", "rate_limited");
        data.put("message", "Too many " + event + " events; slow down");
        data.put("event", event);
        if (ref != null) {
            data.put("ref", ref);
        }
        return events.frame("error", data);
    }

    /** One Mutiny operator for the whole send (see {@link MessageSender#sendStage}); failures become error events here. */
    private Uni<String> send(SocketSession session, String connectionId, JsonNode data, String ref) {
        SendMessage request;
        try {
            request = read(data, SendMessage.class);
            validate(request);
        } catch (RuntimeException e) {
            return Uni.createFrom().item(failureToError(e, ref));
        }
        return Uni.createFrom().completionStage(sender.sendStage(session.userId, request, connectionId)
                .handle((sent, failure) -> failure != null ? failureToError(unwrap(failure), ref)
                        : events.serialize(new Envelope("message:ack", Map.of("clientMessageId",
                                sent.message().clientMessageId(), "message", events.serialized(sent), "duplicate", sent.duplicate()),
                                ref))));
    }

    private static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
    }

    private String typing(SocketSession session, JsonNode data) {
        String chatId = text(data, "chatId");
        ChatDirectory.Members chat = directory.membersFor(chatId, session.userId);
        events.typing(chat, session.userId, data.path("typing").asBoolean(true));
        return null;
    }

    private String read(SocketSession session, JsonNode data) {
        receipts.markRead(session.userId, text(data, "chatId"), text(data, "messageId"));
        return null;
    }

    private String status(SocketSession session, JsonNode data, String ref) {
        String status = text(data, "status");
        if (!Set.of("online", "away").contains(status)) {
            return error("validation_failed", "status must be online or away", ref);
        }
        presence.statusChosen(session.userId, status);
        return null;
    }

    /** Per chat ({@code chats}: what the client has of each) or, the first protocol's form, by message id ({@code since}). */
    private String sync(SocketSession session, JsonNode data, String ref) {
        if (data.has("chats")) {
            ChatSync.Result result = chatSync.sync(session.userId, positions(data.get("chats")));
            return events.serialize(new Envelope("sync:result", result, ref));
        }
        MessageHistory.SyncPage page = history.sync(session.userId, text(data, "since"));
        List<MessageView> messages = withinBytes(page.messages());
        return events.serialize(new Envelope("sync:result", Map.of("messages", messages,
                "more", page.more() || messages.size() < page.messages().size()), ref));
    }

    /**
     * The first messages of a by-id page that fit in {@code sync-page-bytes} of JSON (at least one).
     * Cutting the page is safe: the client asks again from the newest message it got.
     */
    private List<MessageView> withinBytes(List<MessageView> messages) {
        long bytes = 0;
        for (int i = 0; i < messages.size(); i++) {
            bytes += events.sizeOf(messages.get(i));
            if (bytes > syncPageBytes && i > 0) {
                return messages.subList(0, i);
            }
        }
        return messages;
    }

    private List<ChatSync.Position> positions(JsonNode chats) {
        if (!chats.isArray()) {
            throw ProblemException.badRequest("validation_failed", "chats must be an array of {chatId, seq, changes}");
        }
        List<ChatSync.Position> positions = new ArrayList<>(chats.size());
        for (JsonNode chat : chats) {
            if (!chat.isObject() || !chat.path("seq").canConvertToLong() || chat.path("seq").asLong() < 0
                    || (chat.has("changes") && (!chat.get("changes").canConvertToLong() || chat.get("changes").asLong() < 0))) {
                throw ProblemException.badRequest("validation_failed", "each of chats needs chatId and seq >= 0 (and changes >= 0)");
            }
            positions.add(new ChatSync.Position(text(chat, "chatId"), chat.get("seq").asLong(), chat.path("changes").asLong(0)));
        }
        return positions;
    }

    private static Uni<String> blocking(Supplier<String> work) {
        return Uni.createFrom().item(work).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    private String failureToError(Throwable failure, String ref) {
        if (failure instanceof ProblemException problem) {
            var body = problem.toProblem();
            return error(body.code(), body.detail(), ref);
        }
        if (failure instanceof ConstraintViolationException invalid) {
            String fields = invalid.getConstraintViolations().stream()
                    .map(v -> v.getPropertyPath() + " " + v.getMessage()).sorted().collect(Collectors.joining("; "));
            return error("validation_failed", fields, ref);
        }
        if (StoreAvailability.isOutage(failure)) {
            // a sync or read marker while the store is down: retryable, like a send's store_unavailable
            LOG.warnf("WebSocket event failed: the store is unavailable (%s)", failure.getClass().getSimpleName());
            return error("store_unavailable", "The store cannot be reached; retry shortly", ref);
        }
        LOG.error("WebSocket event failed", failure);
        return error("internal_error", "The event could not be processed", ref);
    }

    private <T> T read(JsonNode data, Class<T> type) {
        if (!data.isObject()) {
            throw ProblemException.badRequest("validation_failed", "data must be an object");
        }
        try {
            return json.treeToValue(data, type);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw ProblemException.badRequest("validation_failed", "data has the wrong shape for this event");
        }
    }

    private <T> void validate(T value) {
        Set<ConstraintViolation<T>> violations = validator.validate(value);
        if (!violations.isEmpty()) {
            throw new ConstraintViolationException(violations);
        }
    }

    private static String text(JsonNode data, String field) {
        JsonNode value = data.path(field);
        if (!value.isTextual() || value.asText().isBlank()) {
            throw ProblemException.badRequest("validation_failed", field + " is required");
        }
        return value.asText();
    }
}
