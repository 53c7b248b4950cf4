package dev.parley.e2e;

import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadLocalRandom;

import dev.parley.e2e.Parley.Account;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * One device that does what docs/websocket-protocol.md and docs/reliability.md tell a client to do:
 * <ul>
 * <li>per chat it keeps the messages it has by {@code seq} and the highest seq up to which it has
 * every one (its cursor); messages arriving both live and through sync are de-duplicated by id;</li>
 * <li>on a close or a failed connect it reconnects through the gateway with capped, jittered
 * backoff, and on every open it sends a per-chat {@code sync} from its cursors, again while
 * {@code more}; a {@code message:receive} above its cursor + 1 that is not filled within a second
 * makes it sync too;</li>
 * <li>a send is retried with the same {@code clientMessageId} until acknowledged: after an
 * {@code error}, after its socket closed, or when no answer came within the ack timeout; over the
 * socket when one is open, else over REST ({@code POST /chat/message}) as the web client does.</li>
 * </ul>
 * Every method runs under the object's lock: callbacks come from Vert.x, the HTTP client and the
 * load's ticker thread.
 */
final class FaultClient {

    enum How {
        LIVE, SYNC, OWN_ACK
    }

    /** One message the user wants to send, until it is acknowledged. */
    static final class Outgoing {
        final FaultClient sender;
        final String clientMessageId;
        final String chatId;
        final int phase;
        int attempts;
        boolean inFlight;
        boolean overSocket;
        long attemptStarted;
        long retryAt;
        int errors;
        int closes;
        int silent;
        String ackedId;
        long ackedSeq;
        long ackedAt;
        boolean ackedOverRest;
        boolean duplicateAck;
        boolean mismatchedAck;

        Outgoing(FaultClient sender, String clientMessageId, String chatId, int phase) {
            this.sender = sender;
            this.clientMessageId = clientMessageId;
            this.chatId = chatId;
            this.phase = phase;
        }
    }

    /** What this device has of one chat. */
    static final class ChatView {
        final String chatId;
        final TreeMap<Long, String> bySeq = new TreeMap<>();
        long contiguous;
        long changes;
        long gapSince = -1;
        int conflicts; // one seq, two different message ids
        int unnumbered; // seen without a seq (stored, not yet numbered)

        ChatView(String chatId) {
            this.chatId = chatId;
        }
    }

    final String name;
    final Account account;
    private final FaultLoad load;
    private final WebSocketClient wsClient;
    private final HttpClient http;
    private final URI ws;
    private final String gateway;
    private String accessToken;
    private String refreshToken;
    private long tokenAt = System.nanoTime();
    private boolean refreshing;
    private boolean needsRefresh;
    private long nextRefreshAt;

    final Map<String, ChatView> chats = new LinkedHashMap<>();
    /** Every message id this device has, and how it first got it. */
    final Map<String, How> received = new HashMap<>();
    private final Map<String, Outgoing> outbox = new LinkedHashMap<>();
    private final Map<String, Outgoing> requests = new HashMap<>();
    private final Map<String, Integer> requestAttempt = new HashMap<>();

    private WebSocket socket;
    private long socketOpenedAt;
    private boolean connecting;
    private int failedConnects;
    private long nextConnectAt;
    private String syncRequest;
    private long syncStarted;
    private boolean syncWanted;
    private long lastFullSyncStarted = -1;
    private long lastFullSyncDone = -1;
    private long syncChainStarted;

    int connects;
    int connectFailures;
    int closesSeen;
    int liveTwice;
    int syncs;
    long firstAckAfterMark = -1;
    private long mark = Long.MAX_VALUE;

    FaultClient(String name, Account account, FaultLoad load, Vertx vertx, HttpClient http, URI ws, String gateway) {
        this.name = name;
        this.account = account;
        this.load = load;
        this.accessToken = account.accessToken();
        this.refreshToken = account.refreshToken();
        this.http = http;
        this.ws = ws;
        this.gateway = gateway;
        this.wsClient = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxMessageSize(4 << 20)
                .setMaxFrameSize(4 << 20).setConnectTimeout(5_000));
    }

    synchronized void know(String chatId) {
        chats.computeIfAbsent(chatId, ChatView::new);
    }

    synchronized String token() {
        return accessToken;
    }

    synchronized boolean connected() {
        return socket != null;
    }

    synchronized int pending() {
        return outbox.size();
    }

    /** From now on, note the first ack (the load flowing again for this device). */
    synchronized void markFault(long now) {
        mark = now;
        firstAckAfterMark = -1;
    }

    // ---------------------------------------------------------------- sending

    synchronized void submit(Outgoing o, long now) {
        outbox.put(o.clientMessageId, o);
        attempt(o, now);
    }

    private void attempt(Outgoing o, long now) {
        o.attempts++;
        o.inFlight = true;
        o.attemptStarted = now;
        int attemptNo = o.attempts;
        if (o.attempts > 1) {
            load.retriedAttempt(o);
        }
        JsonObject data = new JsonObject().put("chatId", o.chatId).put("clientMessageId", o.clientMessageId)
                .put("content", "m " + o.clientMessageId);
        o.overSocket = socket != null;
        if (socket != null) {
            String id = UUID.randomUUID().toString();
            requests.put(id, o);
            requestAttempt.put(id, attemptNo);
            socket.writeTextMessage(new JsonObject().put("event", "message:send").put("id", id).put("data", data).encode());
            return;
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create(gateway + "/chat/message"))
                .timeout(load.ackTimeout)
                .header("Authorization", "Bearer " + accessToken)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(data.encode())).build();
        http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((response, failure) -> {
            synchronized (FaultClient.this) {
                long at = System.nanoTime();
                if (failure != null) {
                    Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
                    if (cause instanceof HttpTimeoutException) {
                        failAttempt(o, attemptNo, Failure.SILENT, "rest: no answer in " + load.ackTimeout.toSeconds() + " s", at);
                    } else {
                        failAttempt(o, attemptNo, Failure.ERROR,
                                "rest: " + (cause instanceof ConnectException ? "connection refused" : cause.getClass().getSimpleName()), at);
                    }
                } else if (response.statusCode() == 200 || response.statusCode() == 201) {
                    acked(o, new JsonObject(response.body()), true, response.statusCode() == 200, at);
                } else {
                    if (response.statusCode() == 401) {
                        needsRefresh = true;
                    }
                    failAttempt(o, attemptNo, Failure.ERROR, "rest: " + response.statusCode() + " " + problemCode(response.body()), at);
                }
            }
        });
    }

    enum Failure {
        ERROR, CLOSED, SILENT
    }

    private void failAttempt(Outgoing o, int attemptNo, Failure kind, String what, long now) {
        if (o.ackedId != null || !o.inFlight || o.attempts != attemptNo) {
            return; // answered already, or an older attempt's late answer
        }
        o.inFlight = false;
        switch (kind) {
            case ERROR -> o.errors++;
            case CLOSED -> o.closes++;
            case SILENT -> o.silent++;
        }
        load.failure(o, kind, what);
        o.retryAt = now + backoff(o.attempts);
    }

    private void acked(Outgoing o, JsonObject message, boolean overRest, boolean duplicate, long now) {
        if (o.ackedId != null) {
            if (!o.ackedId.equals(message.getString("id"))) {
                o.mismatchedAck = true; // a retry answered with another message: stored twice
            }
            return;
        }
        o.ackedId = message.getString("id");
        o.ackedSeq = message.getLong("seq", 0L);
        o.ackedAt = now;
        o.ackedOverRest = overRest;
        o.duplicateAck = duplicate;
        o.inFlight = false;
        outbox.remove(o.clientMessageId);
        if (now > mark && firstAckAfterMark < 0) {
            firstAckAfterMark = now;
        }
        load.acked(o, now);
        deliver(message, How.OWN_ACK, now);
    }

    // ---------------------------------------------------------------- receiving

    private void onFrame(String text) {
        long now = System.nanoTime();
        JsonObject frame;
        try {
            frame = new JsonObject(text);
        } catch (RuntimeException e) {
            load.note("bad frame at " + name + ": " + text);
            return;
        }
        String event = frame.getString("event");
        JsonObject data = frame.getJsonObject("data", new JsonObject());
        switch (event == null ? "" : event) {
            case "message:ack" -> {
                String id = frame.getString("id");
                Outgoing o = requests.remove(id);
                requestAttempt.remove(id);
                if (o != null) {
                    acked(o, data.getJsonObject("message"), false, data.getBoolean("duplicate", false), now);
                }
            }
            case "error" -> {
                String ref = data.getString("ref");
                Outgoing o = ref == null ? null : requests.remove(ref);
                Integer attemptNo = ref == null ? null : requestAttempt.remove(ref);
                if (o != null) {
                    failAttempt(o, attemptNo, Failure.ERROR, "socket: " + data.getString("code"), now);
                } else if (ref != null && ref.equals(syncRequest)) {
                    load.note("sync refused at " + name + ": " + data.getString("code"));
                    syncRequest = null;
                    syncWanted = true;
                } else {
                    load.note("error at " + name + ": " + data.encode());
                }
            }
            case "message:receive" -> deliver(data.getJsonObject("message"), How.LIVE, now);
            case "sync:result" -> {
                if (frame.getString("id") != null && frame.getString("id").equals(syncRequest)) {
                    applySync(data, now);
                }
            }
            default -> {
                // presence, typing, reads: not what this suite checks
            }
        }
    }

    private void deliver(JsonObject m, How how, long now) {
        String id = m.getString("id");
        ChatView view = chats.get(m.getString("chatId"));
        if (view == null) {
            load.note(name + " got a message of a chat it does not know: " + m.getString("chatId"));
            return;
        }
        How first = received.putIfAbsent(id, how);
        if (first == How.LIVE && how == How.LIVE) {
            liveTwice++;
        }
        long seq = m.getLong("seq", 0L);
        if (seq <= 0) {
            if (first == null) {
                view.unnumbered++;
            }
            return;
        }
        String had = view.bySeq.putIfAbsent(seq, id);
        if (had != null && !had.equals(id)) {
            view.conflicts++;
            load.note(name + ": seq " + seq + " of chat " + view.chatId + " is both " + had + " and " + id);
        }
        while (view.bySeq.containsKey(view.contiguous + 1)) {
            view.contiguous++;
        }
        boolean gap = !view.bySeq.isEmpty() && view.bySeq.lastKey() > view.contiguous;
        if (!gap) {
            view.gapSince = -1;
        } else if (how == How.LIVE && view.gapSince < 0) {
            view.gapSince = now;
        }
    }

    // ---------------------------------------------------------------- sync

    private void sync(long now) {
        JsonArray positions = new JsonArray();
        chats.values().forEach(v -> positions.add(new JsonObject().put("chatId", v.chatId).put("seq", v.contiguous)
                .put("changes", v.changes)));
        syncRequest = UUID.randomUUID().toString();
        syncStarted = now;
        syncWanted = false;
        syncs++;
        socket.writeTextMessage(new JsonObject().put("event", "sync").put("id", syncRequest)
                .put("data", new JsonObject().put("chats", positions)).encode());
    }

    private void applySync(JsonObject data, long now) {
        syncRequest = null;
        for (Object c : data.getJsonArray("chats", new JsonArray())) {
            JsonObject chat = (JsonObject) c;
            ChatView view = chats.get(chat.getString("chatId"));
            if (view == null) {
                continue;
            }
            for (Object m : chat.getJsonArray("messages", new JsonArray())) {
                deliver((JsonObject) m, How.SYNC, now);
            }
            // the server's cursor steps over void numbers, which no message will ever fill
            view.contiguous = Math.max(view.contiguous, chat.getLong("seq", 0L));
            while (view.bySeq.containsKey(view.contiguous + 1)) {
                view.contiguous++;
            }
            if (view.bySeq.isEmpty() || view.bySeq.lastKey() <= view.contiguous) {
                view.gapSince = -1;
            }
            view.changes = Math.max(view.changes, chat.getLong("changes", 0L));
        }
        for (Object h : data.getJsonArray("heads", new JsonArray())) {
            String chatId = ((JsonObject) h).getString("chatId");
            if (!chats.containsKey(chatId)) {
                chats.put(chatId, new ChatView(chatId)); // a chat new to us: ask for it from 0
                syncWanted = true;
            }
        }
        if (syncWanted) {
            startSyncChain(now); // asked for (or a new chat) meanwhile: a fresh round
        } else if (data.getBoolean("more", false)) {
            sync(now); // the next page, from the cursors just moved
        } else {
            lastFullSyncStarted = syncChainStarted;
            lastFullSyncDone = now;
            syncChainStarted = -1;
        }
    }

    /** Asks for a full sync now (as the check at the end of a phase does); see {@link #syncedSince}. */
    synchronized void requestSync() {
        syncWanted = true;
    }

    /** Whether a whole sync (every page) was started and answered after {@code since}. */
    synchronized boolean syncedSince(long since) {
        return lastFullSyncStarted >= since && lastFullSyncDone >= since;
    }

    // ---------------------------------------------------------------- connection

    private void connect(long now) {
        connecting = true;
        WebSocketConnectOptions options = new WebSocketConnectOptions().setHost(ws.getHost()).setPort(ws.getPort())
                .setURI(ws.getRawPath()).setAllowOriginHeader(false).setTimeout(10_000)
                .addHeader("Authorization", "Bearer " + accessToken);
        wsClient.connect(options).onComplete(result -> {
            synchronized (FaultClient.this) {
                long at = System.nanoTime();
                connecting = false;
                if (result.failed()) {
                    failedConnects++;
                    connectFailures++;
                    if (String.valueOf(result.cause().getMessage()).contains("401")) {
                        needsRefresh = true;
                    }
                    nextConnectAt = at + backoff(failedConnects);
                    return;
                }
                WebSocket opened = result.result();
                socket = opened;
                socketOpenedAt = at;
                failedConnects = 0;
                connects++;
                opened.textMessageHandler(text -> {
                    synchronized (FaultClient.this) {
                        onFrame(text);
                    }
                });
                opened.exceptionHandler(failure -> {
                    // a reset connection: the close handler follows
                });
                opened.closeHandler(v -> {
                    synchronized (FaultClient.this) {
                        onClose(opened, opened.closeStatusCode(), System.nanoTime());
                    }
                });
                startSyncChain(at);
            }
        });
    }

    private void startSyncChain(long now) {
        syncChainStarted = now;
        sync(now);
    }

    private void onClose(WebSocket closed, Short code, long now) {
        if (socket != closed) {
            return;
        }
        socket = null;
        syncRequest = null;
        closesSeen++;
        if (code != null && code == 1008) {
            needsRefresh = true; // token_expired: refresh, reconnect, sync
        }
        // every send in flight on it: no answer will come; retry (over REST, or the next socket)
        List<String> lost = new ArrayList<>();
        requests.forEach((id, o) -> {
            if (o.inFlight && o.ackedId == null) {
                failAttempt(o, requestAttempt.get(id), Failure.CLOSED, "socket closed", now);
            }
            lost.add(id);
        });
        lost.forEach(id -> {
            requests.remove(id);
            requestAttempt.remove(id);
        });
        nextConnectAt = now + backoff(1);
    }

    /** Closes the socket from this side (as a phone changing networks would); it reconnects by itself. */
    synchronized void dropSocket() {
        if (socket != null) {
            socket.close();
        }
    }

    synchronized void shutdown() {
        if (socket != null) {
            WebSocket s = socket;
            socket = null;
            s.close();
        }
        nextConnectAt = Long.MAX_VALUE;
        wsClient.close();
    }

    // ---------------------------------------------------------------- the ticker

    /** Called every few tens of milliseconds by the load's thread: timers of every kind. */
    synchronized void tick(long now) {
        if (!refreshing && now >= nextRefreshAt && (needsRefresh || now - tokenAt > Duration.ofMinutes(10).toNanos())) {
            refresh();
        }
        if (socket == null && !connecting && !needsRefresh && now >= nextConnectAt) {
            connect(now);
        }
        boolean deadSocket = false;
        for (Outgoing o : List.copyOf(outbox.values())) {
            if (o.inFlight && o.overSocket && now - o.attemptStarted > load.ackTimeout.toNanos()) {
                // no ack, no error, and the socket is still open: the server said nothing
                boolean old = socket != null && socketOpenedAt < mark;
                if (old) {
                    load.silentOnOldSocket(o);
                }
                failAttempt(o, o.attempts, Failure.SILENT, "socket: no answer in " + load.ackTimeout.toSeconds() + " s"
                        + (old ? " on a socket opened before the fault that never closed" : ""), now);
                deadSocket = true;
            } else if (!o.inFlight && now >= o.retryAt) {
                attempt(o, now);
            }
        }
        if (socket != null && syncRequest != null && now - syncStarted > load.ackTimeout.toNanos()) {
            load.note("sync unanswered for " + load.ackTimeout.toSeconds() + " s at " + name);
            syncRequest = null;
            syncWanted = true;
            deadSocket = true;
        }
        if (deadSocket && socket != null) {
            // a socket that answers nothing is dead whatever it looks like: close it, reconnect, sync
            load.note(name + " closes a socket that answers nothing (opened " + Duration.ofNanos(now - socketOpenedAt).toSeconds()
                    + " s ago)");
            socket.close();
        }
        if (socket != null) {
            boolean gap = chats.values().stream().anyMatch(v -> v.gapSince >= 0 && now - v.gapSince > Duration.ofSeconds(1).toNanos());
            if (syncRequest == null && (syncWanted || gap)) {
                chats.values().forEach(v -> v.gapSince = v.gapSince >= 0 ? now : -1);
                startSyncChain(now);
            }
        }
    }

    private void refresh() {
        refreshing = true;
        HttpRequest request = HttpRequest.newBuilder(URI.create(gateway + "/auth/refresh")).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("refreshToken", refreshToken).encode())).build();
        http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((response, failure) -> {
            synchronized (FaultClient.this) {
                refreshing = false;
                if (failure == null && response.statusCode() == 200) {
                    JsonObject body = new JsonObject(response.body());
                    accessToken = body.getString("accessToken");
                    refreshToken = body.getString("refreshToken");
                    tokenAt = System.nanoTime();
                    needsRefresh = false;
                } else {
                    load.note("refresh failed at " + name + ": " + (failure != null ? failure : response.statusCode()));
                    nextRefreshAt = System.nanoTime() + Duration.ofSeconds(1).toNanos();
                }
            }
        });
    }

    /** Capped, jittered exponential backoff: 100 ms, 200 ms, ... up to 3 s, each times 0.5-1.0. */
    static long backoff(int attempt) {
        long capped = Math.min(3_000, 100L << Math.min(attempt - 1, 10));
        return Duration.ofMillis((long) (capped * (0.5 + 0.5 * ThreadLocalRandom.current().nextDouble()))).toNanos();
    }

    private static String problemCode(String body) {
        try {
            return new JsonObject(body).getString("code", "");
        } catch (RuntimeException e) {
            return "";
        }
    }

    /** For the checks: the chats' views as they are (a copy). */
    synchronized Map<String, ChatView> views() {
        return new LinkedHashMap<>(chats);
    }

    synchronized Set<String> receivedIds() {
        return Set.copyOf(received.keySet());
    }

    synchronized How how(String messageId) {
        return received.get(messageId);
    }
}
