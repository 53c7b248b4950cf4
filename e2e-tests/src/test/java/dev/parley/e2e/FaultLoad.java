package dev.parley.e2e;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import dev.parley.e2e.FaultClient.ChatView;
import dev.parley.e2e.FaultClient.Failure;
import dev.parley.e2e.FaultClient.How;
import dev.parley.e2e.FaultClient.Outgoing;
import dev.parley.e2e.Parley.Account;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;

/**
 * A steady chat load through the gateway: users in a ring of direct chats (user i with user i+1),
 * each a {@link FaultClient}; one thread paces the sends (round-robin over the users, a random one
 * of the sender's chats) and runs every client's timers. Per phase it counts what was sent,
 * acknowledged, retried and how each attempt failed, and at the end of a phase it checks what was
 * delivered and what was stored.
 */
final class FaultLoad implements AutoCloseable {

    /** The figures of one phase (one fault). */
    static final class Phase {
        final int index;
        final String name;
        int sent;
        int acked;
        int ackedOverRest;
        int duplicateAcks;
        int startUpNumbered;
        int reconnects;
        private int connectsAtStart;
        int retriedSends;
        int attempts;
        int errors;
        int closes;
        int silent;
        int silentOnOldSocket;
        final Map<String, Integer> failures = new TreeMap<>();
        long faultAt = -1;
        long recoveredAt = -1;
        long firstAck = -1;
        long allFlowing = -1;
        int ackedDuringFault;
        // the checks
        int unacked;
        int deliveredLive;
        int deliveredBySync;
        int stranded;
        int lost;
        int duplicated;
        int mismatchedAcks;
        int notStored;
        int gappedViews;
        int holes;
        int viewsBelowAHole;
        int views;
        int badChats;
        final List<String> problems = new ArrayList<>();

        Phase(int index, String name) {
            this.index = index;
            this.name = name;
        }

        int delivered() {
            return deliveredLive + deliveredBySync;
        }
    }

    private final Parley parley;
    final Duration ackTimeout;
    private final double rate;
    final List<FaultClient> clients = new ArrayList<>();
    /** chat id to its two participants. */
    final Map<String, List<FaultClient>> chats = new LinkedHashMap<>();
    private final Map<FaultClient, List<String>> chatsOf = new HashMap<>();
    private final Queue<Outgoing> all = new ConcurrentLinkedQueue<>();
    private final Queue<String> notes = new ConcurrentLinkedQueue<>();
    /** Numbers missing from a chat's history (chatId#seq), once counted in the phase they appeared. */
    private final java.util.Set<String> knownHoles = new java.util.HashSet<>();
    final List<Phase> phases = new ArrayList<>();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "fault-load");
        t.setDaemon(true);
        return t;
    });
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private volatile Phase current;
    private volatile boolean generating;
    private long generateFrom;
    private long generated;
    private int counter;
    private volatile long faultWindowEnd = Long.MAX_VALUE;

    private FaultLoad(Parley parley, double rate, Duration ackTimeout) {
        this.parley = parley;
        this.rate = rate;
        this.ackTimeout = ackTimeout;
    }

    /** Signs up the users, makes the ring of direct chats, connects every client and starts the ticker. */
    static FaultLoad start(Parley parley, int users, double rate, Duration ackTimeout) {
        FaultLoad load = new FaultLoad(parley, rate, ackTimeout);
        for (int i = 0; i < users; i++) {
            Account account = parley.register("fault" + i);
            FaultClient client = new FaultClient("u" + i, account, load, parley.vertx, load.http, parley.ws(),
                    parley.stack.gatewayUrl());
            load.clients.add(client);
            load.chatsOf.put(client, new ArrayList<>());
        }
        for (int i = 0; i < users; i++) {
            FaultClient a = load.clients.get(i);
            FaultClient b = load.clients.get((i + 1) % users);
            String chat = parley.directChat(a.account, b.account);
            load.chats.put(chat, List.of(a, b));
            load.chatsOf.get(a).add(chat);
            load.chatsOf.get(b).add(chat);
            a.know(chat);
            b.know(chat);
        }
        load.ticker.scheduleAtFixedRate(load::tick, 20, 20, TimeUnit.MILLISECONDS);
        return load;
    }

    private void tick() {
        try {
            long now = System.nanoTime();
            if (generating) {
                long due = (long) ((now - generateFrom) / 1e9 * rate);
                while (generated < due) {
                    FaultClient sender = clients.get((int) (generated % clients.size()));
                    List<String> mine = chatsOf.get(sender);
                    String chat = mine.get(ThreadLocalRandom.current().nextInt(mine.size()));
                    Phase phase = current;
                    Outgoing o = new Outgoing(sender, "p" + phase.index + "-" + sender.name + "-" + (++counter), chat, phase.index);
                    all.add(o);
                    synchronized (phase) {
                        phase.sent++;
                    }
                    sender.submit(o, now);
                    generated++;
                }
            }
            for (FaultClient client : clients) {
                client.tick(now);
            }
        } catch (RuntimeException e) {
            note("ticker: " + e);
        }
    }

    /** Starts a phase: the load (re)starts at the configured rate. */
    Phase begin(String name) {
        Phase phase = new Phase(phases.size() + 1, name);
        phases.add(phase);
        phase.connectsAtStart = connects();
        current = phase;
        generateFrom = System.nanoTime();
        generated = 0;
        generating = true;
        return phase;
    }

    /** The moment of the fault: from now on the first ack of each client is noted. */
    void faultNow(Phase phase) {
        long now = System.nanoTime();
        phase.faultAt = now;
        faultWindowEnd = Long.MAX_VALUE;
        clients.forEach(c -> c.markFault(now));
    }

    void recoveredNow(Phase phase) {
        phase.recoveredAt = System.nanoTime();
        faultWindowEnd = phase.recoveredAt;
    }

    // ---------------------------------------------------------------- callbacks from the clients

    void retriedAttempt(Outgoing o) {
        Phase phase = phases.get(o.phase - 1);
        synchronized (phase) {
            phase.attempts++;
            if (o.attempts == 2) {
                phase.retriedSends++;
            }
        }
    }

    void silentOnOldSocket(Outgoing o) {
        Phase phase = phases.get(o.phase - 1);
        synchronized (phase) {
            phase.silentOnOldSocket++;
        }
    }

    void failure(Outgoing o, Failure kind, String what) {
        Phase phase = phases.get(o.phase - 1);
        synchronized (phase) {
            switch (kind) {
                case ERROR -> phase.errors++;
                case CLOSED -> phase.closes++;
                case SILENT -> phase.silent++;
            }
            phase.failures.merge(what, 1, Integer::sum);
        }
    }

    void acked(Outgoing o, long now) {
        Phase phase = phases.get(o.phase - 1);
        Phase now_ = current;
        synchronized (phase) {
            phase.acked++;
            if (o.ackedOverRest) {
                phase.ackedOverRest++;
            }
            if (o.duplicateAck) {
                phase.duplicateAcks++;
            }
        }
        if (now_ != null && now_.faultAt > 0 && now > now_.faultAt && now < faultWindowEnd) {
            synchronized (now_) {
                now_.ackedDuringFault++;
            }
        }
    }

    private int connects() {
        int n = 0;
        for (FaultClient c : clients) {
            synchronized (c) {
                n += c.connects;
            }
        }
        return n;
    }

    void note(String what) {
        if (notes.size() < 500) {
            notes.add(what);
        }
    }

    List<String> drainNotes() {
        List<String> out = new ArrayList<>();
        String n;
        while ((n = notes.poll()) != null) {
            out.add(n);
        }
        return out;
    }

    // ---------------------------------------------------------------- the end of a phase

    /**
     * Stops the load, waits until every send is acknowledged (the clients keep retrying), gives the
     * clients {@code settle} to get every acknowledged message by their own means (live, or the sync
     * after a reconnect or a gap), then has every client sync once more and checks deliveries against
     * the senders' acks and the store's history.
     */
    void drainAndCheck(Phase phase, Duration drainTimeout, Duration settle) throws InterruptedException {
        generating = false;
        phase.reconnects = connects() - phase.connectsAtStart;
        long first = Long.MAX_VALUE;
        long last = -1;
        for (FaultClient c : clients) {
            if (c.firstAckAfterMark > 0) {
                first = Math.min(first, c.firstAckAfterMark);
                last = Math.max(last, c.firstAckAfterMark);
            }
        }
        phase.firstAck = first == Long.MAX_VALUE ? -1 : first;
        phase.allFlowing = clients.stream().allMatch(c -> c.firstAckAfterMark > 0) ? last : -1;

        awaitTrue(() -> clients.stream().allMatch(c -> c.pending() == 0), drainTimeout);
        phase.unacked = clients.stream().mapToInt(FaultClient::pending).sum();

        awaitTrue(() -> undelivered(null) == 0, settle);
        phase.stranded = undelivered(phase.index);

        long since = System.nanoTime();
        clients.forEach(FaultClient::requestSync);
        boolean synced = awaitTrue(() -> clients.stream().allMatch(c -> c.syncedSince(since)), Duration.ofSeconds(30));
        if (!synced) {
            phase.problems.add("not every client finished its final sync within 30 s: "
                    + clients.stream().filter(c -> !c.syncedSince(since)).map(c -> c.name + (c.connected() ? "" : " (not connected)")).toList());
        }
        phase.lost = undelivered(phase.index);
        int lostEarlier = undelivered(null) - phase.lost;
        if (lostEarlier > 0) {
            phase.problems.add(lostEarlier + " message(s) of earlier phases are not delivered any more");
            phase.lost += lostEarlier;
        }
        for (Outgoing o : all) {
            if (o.phase == phase.index && o.ackedId != null) {
                FaultClient recipient = recipientOf(o);
                How how = recipient.how(o.ackedId);
                if (how == How.LIVE) {
                    phase.deliveredLive++;
                } else if (how != null) {
                    phase.deliveredBySync++;
                }
                if (o.mismatchedAck) {
                    phase.mismatchedAcks++;
                }
            }
        }
        checkHistory(phase);
        phase.problems.addAll(drainNotes());
    }

    private FaultClient recipientOf(Outgoing o) {
        List<FaultClient> pair = chats.get(o.chatId);
        return pair.get(0) == o.sender ? pair.get(1) : pair.get(0);
    }

    /** Acknowledged messages (of one phase, or of all when null) that a recipient does not have. */
    private int undelivered(Integer phase) {
        int missing = 0;
        for (Outgoing o : all) {
            if (o.ackedId != null && (phase == null || o.phase == phase) && recipientOf(o).how(o.ackedId) == null) {
                missing++;
            }
        }
        return missing;
    }

    /**
     * Every chat's whole history, read through the gateway: numbers 1..N once each, every
     * (sender, clientMessageId) stored once under the id its ack gave, nothing stored that was not
     * sent; and each participant's reassembled view is exactly that history.
     */
    private void checkHistory(Phase phase) {
        Map<String, Outgoing> byClientId = new HashMap<>();
        for (Outgoing o : all) {
            byClientId.put(o.sender.account.id() + "/" + o.clientMessageId, o);
        }
        for (Map.Entry<String, List<FaultClient>> chat : chats.entrySet()) {
            String chatId = chat.getKey();
            FaultClient reader = chat.getValue().get(0);
            List<Map<String, Object>> history = history(reader, chatId);
            TreeMap<Long, String> bySeq = new TreeMap<>();
            Map<String, Integer> copies = new HashMap<>();
            boolean bad = false;
            for (Map<String, Object> m : history) {
                long seq = ((Number) m.get("seq")).longValue();
                String id = (String) m.get("id");
                if (bySeq.put(seq, id) != null) {
                    phase.problems.add("chat " + chatId + ": seq " + seq + " appears twice in history");
                    bad = true;
                }
                String key = m.get("senderId") + "/" + m.get("clientMessageId");
                int n = copies.merge(key, 1, Integer::sum);
                Outgoing o = byClientId.get(key);
                if (o == null) {
                    phase.problems.add("chat " + chatId + ": stored but never sent: " + key);
                    bad = true;
                } else if (n > 1) {
                    if (o.phase == phase.index) {
                        phase.duplicated++;
                    } else {
                        phase.problems.add("chat " + chatId + ": an earlier phase's " + key + " is stored " + n + " times");
                        phase.duplicated++;
                    }
                } else if (o.ackedId != null && !o.ackedId.equals(id)) {
                    phase.problems.add("chat " + chatId + ": " + key + " was acked as " + o.ackedId + " but stored as " + id);
                    bad = true;
                }
            }
            long head = bySeq.isEmpty() ? 0 : bySeq.lastKey();
            if (!bySeq.isEmpty() && bySeq.firstKey() < 1) {
                phase.problems.add("chat " + chatId + ": a stored message has no number (seq " + bySeq.firstKey() + ")");
                bad = true;
            }
            for (long seq = 1; seq <= head; seq++) {
                if (!bySeq.containsKey(seq) && knownHoles.add(chatId + "#" + seq)) {
                    phase.holes++;
                    phase.problems.add("chat " + chatId + ": no message has seq " + seq + " (of 1.." + head
                            + "): a number was handed out and never used");
                }
            }
            for (Outgoing o : all) {
                if (o.chatId.equals(chatId) && o.ackedId != null && !copies.containsKey(o.sender.account.id() + "/" + o.clientMessageId)) {
                    if (o.phase == phase.index) {
                        phase.notStored++;
                    } else {
                        phase.problems.add("chat " + chatId + ": acked " + o.clientMessageId + " is no longer stored");
                        bad = true;
                    }
                }
            }
            if (bad) {
                phase.badChats++;
            }
            for (FaultClient participant : chat.getValue()) {
                ChatView view = participant.views().get(chatId);
                phase.views++;
                boolean same;
                synchronized (participant) {
                    same = view.bySeq.equals(bySeq) && view.conflicts == 0;
                    if (same && view.contiguous != head) {
                        phase.viewsBelowAHole++; // it has all the store has, but the store's numbers have a hole
                    }
                }
                if (!same) {
                    phase.gappedViews++;
                    synchronized (participant) {
                        phase.problems.add(participant.name + "'s view of chat " + chatId + " has 1.." + view.contiguous + " of "
                                + view.bySeq.size() + " numbered messages (highest " + (view.bySeq.isEmpty() ? 0 : view.bySeq.lastKey())
                                + "), the chat has " + bySeq.size() + " numbered 1.." + head + "; conflicts " + view.conflicts);
                    }
                }
            }
        }
    }

    private List<Map<String, Object>> history(FaultClient reader, String chatId) {
        List<Map<String, Object>> out = new ArrayList<>();
        String before = null;
        do {
            var request = RestAssured.given().baseUri(parley.stack.gatewayUrl()).auth().oauth2(reader.token())
                    .queryParam("limit", 100);
            if (before != null) {
                request.queryParam("before", before);
            }
            JsonPath page = request.get("/chat/" + chatId).then().statusCode(200).extract().jsonPath();
            out.addAll(page.getList("messages"));
            before = page.getString("nextCursor");
        } while (before != null);
        return out;
    }

    /** Polls a condition until it holds or the time is up; whether it held. */
    static boolean awaitTrue(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            TimeUnit.MILLISECONDS.sleep(100); // bounded poll
        }
        return true;
    }

    @Override
    public void close() {
        generating = false;
        ticker.shutdownNow();
        clients.forEach(FaultClient::shutdown);
    }
}
