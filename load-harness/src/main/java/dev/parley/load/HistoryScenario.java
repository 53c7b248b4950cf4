package dev.parley.load;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.HdrHistogram.Histogram;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Scenario 3, history: one direct chat holding M messages, paged through newest first, 50 at a
 * time, by one reader (closed loop); page latency percentiles.
 *
 * <p>Seeding goes through chat-service's own send path (POST /chat/message: validation, AES-GCM
 * sealing, the group-commit writer), straight to chat-service rather than through the gateway to
 * save the gateway's share of the CPU: nothing is written to the store behind the service's back.
 * It is done once and remembered (history-seed.json in the stack's data directory), so later
 * commands reuse the chat; an interrupted seed resumes (sends are idempotent by clientMessageId).
 */
final class HistoryScenario implements Scenario {

    private final Context ctx;
    private final long messages;
    private final int pageSize;
    private final int pages;
    private final long maxNanos;
    private final boolean viaChat;
    private final int seedConcurrency;
    private JsonObject seed;
    private Api.Account reader;

    HistoryScenario(Context ctx) {
        this.ctx = ctx;
        Args a = ctx.args();
        this.messages = Args.parseCount(a.string("messages", "1M"));
        this.pageSize = a.integer("page", 50);
        this.pages = a.integer("pages", 200);
        this.maxNanos = a.duration("duration", "120s").toNanos();
        this.viaChat = "chat".equals(a.string("via", "gateway"));
        this.seedConcurrency = a.integer("seed-concurrency", 64);
    }

    @Override
    public String name() {
        return "history";
    }

    @Override
    public void prepare() throws Exception {
        var out = ctx.out();
        Target target = ctx.target();
        Path file = target.workDir.resolve("history-seed.json");
        Api gateway = new Api(ctx.vertx(), target.gateway, 4);
        seed = Files.exists(file) ? new JsonObject(Files.readString(file)) : null;
        if (seed == null) {
            String tag = "h" + Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36);
            Api.Account a = Api.await(gateway.register(tag + "a"), 60);
            Api.Account b = Api.await(gateway.register(tag + "b"), 60);
            String chatId = Api.await(gateway.directChat(a, b), 60);
            seed = new JsonObject().put("a", a.username()).put("b", b.username()).put("chatId", chatId).put("seeded", 0L);
            Files.createDirectories(file.getParent());
            Files.writeString(file, seed.encodePrettily());
        }
        long done = seed.getLong("seeded");
        if (done < messages) {
            out.printf("  seeding chat %s: %d of %d messages stored, sending the rest through chat-service (%s)%n",
                    seed.getString("chatId"), done, messages, target.chat);
            seedFrom(done, file, gateway);
        }
        out.printf("  chat %s holds %d messages%n", seed.getString("chatId"), seed.getLong("seeded"));
        reader = Api.await(gateway.login(seed.getString("a")), 60);
        Api.await(gateway.close(), 30);
    }

    private void seedFrom(long from, Path file, Api gateway) throws Exception {
        var out = ctx.out();
        Api chat = new Api(ctx.vertx(), ctx.target().chat, seedConcurrency);
        String chatId = seed.getString("chatId");
        AtomicReference<String[]> tokens = new AtomicReference<>(login(gateway));
        long tokensAt = System.nanoTime();
        Semaphore slots = new Semaphore(seedConcurrency);
        AtomicLong failures = new AtomicLong();
        AtomicReference<String> firstFailure = new AtomicReference<>();
        String padding = "x".repeat(80);
        long start = System.nanoTime();
        long lastReport = start;
        long lastSaved = from;
        for (long i = from; i < messages; i++) {
            if (System.nanoTime() - tokensAt > TimeUnit.MINUTES.toNanos(10)) {
                tokens.set(login(gateway)); // access tokens live 15 minutes
                tokensAt = System.nanoTime();
            }
            slots.acquire();
            JsonObject body = new JsonObject().put("chatId", chatId).put("content", "history message " + i + " " + padding)
                    .put("clientMessageId", "h" + i);
            chat.call(HttpMethod.POST, "/chat/message", tokens.get()[(int) (i & 1)], body).onComplete(r -> {
                if (r.failed() || (r.result().status() != 201 && r.result().status() != 200)) {
                    failures.incrementAndGet();
                    firstFailure.compareAndSet(null, r.failed() ? r.cause().toString() : r.result().status() + " " + r.result().body());
                }
                slots.release();
            });
            long now = System.nanoTime();
            if (now - lastReport > TimeUnit.SECONDS.toNanos(10) || i + 1 == messages) {
                slots.acquire(seedConcurrency);
                slots.release(seedConcurrency);
                if (failures.get() > 0) {
                    throw new IllegalStateException(failures.get() + " seed messages failed, e.g. " + firstFailure.get());
                }
                seed.put("seeded", i + 1);
                Files.writeString(file, seed.encodePrettily());
                double seconds = (now - start) / 1e9;
                out.printf("  seeded %d (%.0f msg/s)%n", i + 1, (i + 1 - from) / seconds);
                lastReport = now;
                lastSaved = i + 1;
            }
        }
        if (lastSaved < messages) {
            seed.put("seeded", messages);
            Files.writeString(file, seed.encodePrettily());
        }
        seed.put("seedRate", Math.round((messages - from) / ((System.nanoTime() - start) / 1e9)));
        Api.await(chat.close(), 30);
    }

    private String[] login(Api gateway) {
        return new String[] { Api.await(gateway.login(seed.getString("a")), 60).accessToken(),
                Api.await(gateway.login(seed.getString("b")), 60).accessToken() };
    }

    /** The {@code dur=} of one metric of a Server-Timing header, in microseconds; -1 without it. */
    static long micros(String serverTiming, String name) {
        if (serverTiming == null) {
            return -1;
        }
        for (String metric : serverTiming.split(",")) {
            String[] parts = metric.trim().split(";");
            if (parts[0].equals(name)) {
                for (String parameter : parts) {
                    if (parameter.startsWith("dur=")) {
                        return Math.round(Double.parseDouble(parameter.substring(4)) * 1000);
                    }
                }
            }
        }
        return -1;
    }

    @Override
    public RunResult run(int index) {
        var out = ctx.out();
        Api api = new Api(ctx.vertx(), viaChat ? ctx.target().chat : ctx.target().gateway, 1);
        String chatId = seed.getString("chatId");
        Histogram latency = new Histogram(3);
        // chat-service's Server-Timing splits each page: the store's commands ("store"), and the
        // rest of chat-service's work ("app"); what is left is the gateway, the network and the harness
        Histogram store = new Histogram(3);
        Histogram chatService = new Histogram(3);
        Histogram outsideStore = new Histogram(3);
        RunResult result = new RunResult();
        long outOfOrder = 0;
        long failed = 0;
        long read = 0;
        int done = 0;
        String cursor = null;
        Instant lastTime = null;
        String lastId = null;
        long start = System.nanoTime();
        try {
            while (done < pages && System.nanoTime() - start < maxNanos) {
                String path = "/chat/" + chatId + "?limit=" + pageSize + (cursor == null ? "" : "&before=" + cursor);
                Api.Answer answer = Api.await(api.call(HttpMethod.GET, path, reader.accessToken(), null), 120);
                done++;
                if (answer.status() != 200) {
                    failed++;
                    out.printf("  page %d: %d %s%n", done, answer.status(), answer.body());
                    break;
                }
                latency.recordValue(answer.nanos() / 1000);
                long storeMicros = micros(answer.serverTiming(), "store");
                if (storeMicros >= 0) {
                    store.recordValue(storeMicros);
                    outsideStore.recordValue(Math.max(0, answer.nanos() / 1000 - storeMicros));
                    chatService.recordValue(Math.max(0, micros(answer.serverTiming(), "app")));
                }
                JsonObject page = answer.json();
                JsonArray list = page.getJsonArray("messages");
                for (int i = 0; i < list.size(); i++) {
                    JsonObject m = list.getJsonObject(i);
                    Instant t = Instant.parse(m.getString("timestamp"));
                    String id = m.getString("id");
                    if (lastTime != null && (t.isAfter(lastTime) || (t.equals(lastTime) && id.compareTo(lastId) >= 0))) {
                        outOfOrder++;
                    }
                    lastTime = t;
                    lastId = id;
                }
                read += list.size();
                cursor = page.getString("nextCursor");
                if (list.size() != pageSize && cursor != null) {
                    outOfOrder++; // a short page that is not the last
                }
                if (cursor == null) {
                    break;
                }
                if (done % 20 == 0) {
                    out.printf("  %d pages, p50 %.1f ms%n", done, RunResult.ms(latency.getValueAtPercentile(50)));
                }
            }
        } finally {
            Api.await(api.close(), 30);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        result.operations = done;
        result.error("page failed", failed);
        result.error("page out of order or short", outOfOrder);
        result.headline.put("messages stored", (double) seed.getLong("seeded"));
        result.headline.put("pages", (double) done);
        result.latency("page", latency);
        if (store.getTotalCount() > 0) {
            result.latency("store", store);
            result.latency("chat-service without store", chatService);
            result.latency("page without store", outsideStore);
        }
        result.headline.put("pages/s", Math.round(done / seconds * 1000) / 1000.0);
        result.headline.put("errors", (double) result.errors);
        result.details.put("chatId", chatId);
        result.details.put("pageSize", pageSize);
        result.details.put("messagesRead", read);
        result.details.put("route", viaChat ? "straight to chat-service" : "through the gateway");
        if (seed.containsKey("seedRate")) {
            result.details.put("seedMessagesPerSecond", seed.getLong("seedRate"));
        }
        return result;
    }
}
