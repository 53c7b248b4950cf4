package dev.parley.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import io.vertx.core.Future;
import io.vertx.core.http.WebSocket;

/**
 * Scenario 1, chat: C users in C/2 direct chats, each with one socket through the gateway, send
 * to their partner at a total rate R (open model: message k is due at t0 + k/R whether or not the
 * server keeps up, and its latency is measured from that due time, so a slow server cannot hide
 * behind a slowed-down generator). Every message is accounted for at its receiver: lost (never
 * received), duplicated (received twice), and the send -> ack and send -> receive latencies.
 *
 * <p>Above saturation chat-service refuses sends it cannot take in time ({@code error} events
 * {@code overloaded} or {@code store_unavailable} naming the send): such a message is
 * <em>refused</em>, not lost, as its sender was told. Offered, accepted (acknowledged), refused and
 * delivered are counted per second; after the load stops one probe message a second measures the
 * time until a send is again delivered within {@link #HEALTHY_PROBE_MILLIS}; and each JVM's peak
 * heap in use is sampled ({@link HeapMeter}).
 */
final class ChatScenario implements Scenario {

    private static final String RECEIVE = "{\"event\":\"message:receive\"";
    private static final String ACK = "{\"event\":\"message:ack\"";
    private static final String CLIENT_ID = "\"clientMessageId\":\"";
    /** A send that chat-service refused at once, telling its sender to retry later: not a loss. */
    private static final java.util.Set<String> REFUSALS = java.util.Set.of("overloaded", "store_unavailable", "busy");
    /** After the load, the system has recovered once a probe is delivered within this. */
    static final long HEALTHY_PROBE_MILLIS = 500;

    private final Context ctx;
    private final int users;
    private final double rate;
    private final long warmupNanos;
    private final long durationNanos;
    private final long drainNanos;
    private final String content;
    private final int sourceAddresses;
    /** Where to put JFR recordings of every process, taken over the measured window only; null = none. */
    private final Path profileDir;

    ChatScenario(Context ctx) {
        this.ctx = ctx;
        Args a = ctx.args();
        this.users = a.integer("users", 200) / 2 * 2;
        this.rate = a.decimal("rate", 2000);
        this.warmupNanos = a.duration("warmup", "10s").toNanos();
        this.durationNanos = a.duration("duration", "30s").toNanos();
        this.drainNanos = a.duration("drain", "15s").toNanos();
        this.content = "x".repeat(Math.max(1, a.integer("size", 100)));
        this.sourceAddresses = a.integer("source-addresses", 1);
        String profile = a.string("profile", "");
        this.profileDir = profile.isBlank() ? null : Path.of(profile).toAbsolutePath();
        if (profileDir != null) {
            try {
                Files.createDirectories(profileDir);
            } catch (IOException e) {
                throw new IllegalArgumentException("--profile " + profileDir + ": " + e.getMessage());
            }
        }
        if (users < 2) {
            throw new IllegalArgumentException("--users must be at least 2");
        }
        double perSocket = rate / users;
        if (perSocket > 40) {
            // chat-service allows 50 frames/s per socket (burst 100): more would measure its flood guard
            throw new IllegalArgumentException(String.format("%.0f msg/s over %d users is %.1f msg/s per socket; chat-service"
                    + " allows 50/s per socket: use --users %d or more", rate, users, perSocket, (int) Math.ceil(rate / 40 / 2) * 2));
        }
    }

    @Override
    public String name() {
        return "chat";
    }

    /** The string value of {@code "name":"..."} in an error frame we know the shape of; null when absent. */
    static String field(String frame, String name) {
        String key = "\"" + name + "\":\"";
        int at = frame.indexOf(key);
        if (at < 0) {
            return null;
        }
        int from = at + key.length();
        int to = frame.indexOf('"', from);
        return to < 0 ? null : frame.substring(from, to);
    }

    /** One user: their socket, their partner, what they sent and what they received from the partner. */
    private final class Peer {
        final int index;
        final Api.Account account;
        Peer partner;
        String chatId;
        WebSocket socket;
        final AtomicLongArray due;
        final AtomicLong sent = new AtomicLong();
        /** Touched only on this peer's socket thread. */
        final BitSet acked = new BitSet();
        final BitSet receivedFromPartner = new BitSet();
        /** Sends chat-service refused (overloaded): touched only on this peer's socket thread. */
        final BitSet refused = new BitSet();
        /** Seqs from here on are probes sent after the load (peer 0 only); MAX_VALUE = none yet. */
        volatile int probesFrom = Integer.MAX_VALUE;
        long ackCount;
        long receiveCount;

        Peer(int index, Api.Account account, int capacity) {
            this.index = index;
            this.account = account;
            this.due = new AtomicLongArray(capacity);
        }
    }

    private final class Run {
        final String tag;
        final Peer[] peers;
        final long measureFrom;
        final long measureTo;
        final Recorder ackRecorder = new Recorder(3);
        final Recorder receiveRecorder = new Recorder(3);
        final Recorder sendLag = new Recorder(3);
        final AtomicLong delivered = new AtomicLong();
        final AtomicLong acks = new AtomicLong();
        final AtomicLong deliveredInWindow = new AtomicLong();
        final AtomicLong duplicates = new AtomicLong();
        final AtomicLong duplicateAcks = new AtomicLong();
        final AtomicLong unexpected = new AtomicLong();
        final AtomicLong sendFailures = new AtomicLong();
        final AtomicLong refusedCount = new AtomicLong();
        final AtomicLong refusedInWindow = new AtomicLong();
        final AtomicLong acksInWindow = new AtomicLong();
        /** When a probe was first delivered within HEALTHY_PROBE_MILLIS (its send time, nanos); 0 = not yet. */
        volatile long recoveredAt;
        /** The latest delivery of a scheduled message (nanos). */
        volatile long lastDeliveryAt;
        final HeapMeter heap = new HeapMeter(ctx.target().pids);
        private long lastSent;
        private long lastAcks;
        private long lastRefused;
        final List<long[]> flow = new ArrayList<>();
        final Map<String, AtomicLong> errorFrames = new ConcurrentHashMap<>();
        /** Sockets closed before the run closed them, counted from the first open (before this run existed). */
        final AtomicLong earlyCloses;
        volatile boolean closing;
        final long t0;
        /** Plain histograms, not recorders: only the thread running the run adds to them and reads them. */
        final Histogram receive = new Histogram(3);
        final Histogram ack = new Histogram(3);
        final List<double[]> timeline = new ArrayList<>();
        final List<double[]> p99Timeline = new ArrayList<>();
        private long lastDelivered;

        Run(String tag, Peer[] peers, AtomicLong earlyCloses, long t0) {
            this.tag = tag;
            this.peers = peers;
            this.earlyCloses = earlyCloses;
            this.t0 = t0;
            this.measureFrom = t0 + warmupNanos;
            this.measureTo = measureFrom + durationNanos;
        }

        boolean measured(long dueNanos) {
            return dueNanos >= measureFrom && dueNanos < measureTo;
        }

        /** One second of the timeline; true once the whole schedule is sent, delivered and acked. */
        boolean sample(int second, Thread pacer, long total) {
            heap.sample();
            long sentNow = 0;
            for (Peer p : peers) {
                sentNow += Math.min(p.sent.get(), p.probesFrom);
            }
            long a = acks.get();
            long r = refusedCount.get();
            long d = delivered.get();
            // second, offered, accepted, refused, delivered (probes excluded)
            flow.add(new long[] { second, sentNow - lastSent, a - lastAcks, r - lastRefused, d - lastDelivered });
            lastSent = sentNow;
            lastAcks = a;
            lastRefused = r;
            if (!pacer.isAlive()) {
                probe();
            }
            Histogram interval = receiveRecorder.getIntervalHistogram();
            receive.add(interval);
            ack.add(ackRecorder.getIntervalHistogram());
            timeline.add(new double[] { second, d - lastDelivered });
            if (interval.getTotalCount() > 0) {
                p99Timeline.add(new double[] { second, RunResult.ms(interval.getValueAtPercentile(99)) });
            }
            lastDelivered = d;
            // over once every scheduled send is answered (ack or refusal), every accepted one delivered, and a probe was healthy
            boolean answered = a + r >= total;
            return !pacer.isAlive() && answered && d >= a && recoveredAt != 0;
        }

        /** One message from peer 0 to its partner, after the load: is a send delivered promptly again? */
        private void probe() {
            Peer from = peers[0];
            if (from.probesFrom == Integer.MAX_VALUE) {
                from.probesFrom = (int) from.sent.get();
            }
            long now = System.nanoTime();
            int seq = (int) from.sent.get();
            if (seq >= from.due.length()) {
                return; // out of probe slots: the drain deadline ends the run
            }
            from.due.set(seq, now);
            from.sent.incrementAndGet();
            from.socket.writeTextMessage(sendFrame(this, from, seq));
        }

        void onFrame(Peer me, String frame) {
            long now = System.nanoTime();
            if (frame.startsWith(RECEIVE)) {
                onReceive(me, frame, now);
            } else if (frame.startsWith(ACK)) {
                onAck(me, frame, now);
            } else if (frame.startsWith("{\"event\":\"error\"")) {
                // found by position, not parsed: under overload thousands of these arrive a second
                String code = Objects.requireNonNullElse(field(frame, "code"), "?");
                String ref = field(frame, "ref");
                if (REFUSALS.contains(code) && ref != null && ref.chars().allMatch(Character::isDigit)) {
                    int seq = Integer.parseInt(ref);
                    if (seq < me.probesFrom && !me.refused.get(seq)) {
                        me.refused.set(seq);
                        refusedCount.incrementAndGet();
                        if (now >= measureFrom && now < measureTo) {
                            refusedInWindow.incrementAndGet();
                        }
                    }
                    return;
                }
                errorFrames.computeIfAbsent(code, c -> new AtomicLong()).incrementAndGet();
            }
            // user:status and other events are not this scenario's business
        }

        private void onReceive(Peer me, String frame, long now) {
            long[] id = parseClientId(frame);
            if (id == null || id[0] != me.partner.index) {
                unexpected.incrementAndGet();
                return;
            }
            int seq = (int) id[1];
            if (me.receivedFromPartner.get(seq)) {
                duplicates.incrementAndGet();
                return;
            }
            me.receivedFromPartner.set(seq);
            long due = me.partner.due.get(seq);
            if (seq >= me.partner.probesFrom) {
                if (recoveredAt == 0 && now - due <= TimeUnit.MILLISECONDS.toNanos(HEALTHY_PROBE_MILLIS)) {
                    recoveredAt = due;
                }
                return;
            }
            me.receiveCount++;
            delivered.incrementAndGet();
            lastDeliveryAt = now;
            if (now >= measureFrom && now < measureTo) {
                deliveredInWindow.incrementAndGet();
            }
            if (measured(due)) {
                receiveRecorder.recordValue(Math.max(0, (now - due) / 1000));
            }
        }

        private void onAck(Peer me, String frame, long now) {
            long[] id = parseClientId(frame);
            if (id == null || id[0] != me.index) {
                unexpected.incrementAndGet();
                return;
            }
            int seq = (int) id[1];
            if (me.acked.get(seq) || frame.contains("\"duplicate\":true")) {
                duplicateAcks.incrementAndGet();
                return;
            }
            me.acked.set(seq);
            if (seq >= me.probesFrom) {
                return;
            }
            me.ackCount++;
            acks.incrementAndGet();
            if (now >= measureFrom && now < measureTo) {
                acksInWindow.incrementAndGet();
            }
            long due = me.due.get(seq);
            if (measured(due)) {
                ackRecorder.recordValue(Math.max(0, (now - due) / 1000));
            }
        }

        /** Our clientMessageId is TAG-SENDER-SEQ; null when the frame is not one of ours. */
        long[] parseClientId(String frame) {
            int at = frame.indexOf(CLIENT_ID);
            if (at < 0) {
                return null;
            }
            int start = at + CLIENT_ID.length();
            int end = frame.indexOf('"', start);
            String id = frame.substring(start, end);
            if (!id.startsWith(tag)) {
                return null;
            }
            int dash = id.indexOf('-', tag.length() + 1);
            return new long[] { Long.parseLong(id.substring(tag.length() + 1, dash)), Long.parseLong(id.substring(dash + 1)) };
        }
    }

    /** What the peers sent, got acknowledged and lost, over all of them. */
    private record Tally(long sent, long acked, long lost, long refused, long refusedYetDelivered) {
    }

    private String userPrefix;
    private String[] chatIds;

    /**
     * Users and their chats are made once per command, not per run: with the embedded store a new
     * chat's view scans every stored message (it ignores non-unique indexes), so creating chats gets
     * slower with every run's messages, which would make later runs' set-up, not their load, slow.
     */
    @Override
    public void prepare() {
        userPrefix = "c" + Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36) + "u";
        Api api = new Api(ctx.vertx(), ctx.target().gateway, 32);
        long t = System.nanoTime();
        List<Api.Account> accounts = Api.all(users, 16, i -> api.register(userPrefix + i));
        List<String> chats = Api.all(users / 2, 16, p -> api.directChat(accounts.get(2 * p), accounts.get(2 * p + 1)));
        chatIds = chats.toArray(String[]::new);
        ctx.out().printf("  %d users, %d direct chats ready in %.1f s%n", users, users / 2, (System.nanoTime() - t) / 1e9);
        Api.await(api.close(), 30);
    }

    @Override
    public RunResult run(int index) throws Exception {
        String tag = "r" + Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36) + index;
        Api api = new Api(ctx.vertx(), ctx.target().gateway, 32);
        Sockets sockets = new Sockets(ctx.vertx(), sourceAddresses);
        RunResult result = new RunResult();
        try {
            Run run = open(tag, api, sockets);
            Map<String, Object> cpuInWindow = measure(run, index);
            if (cpuInWindow != null) {
                result.details.put("cpuCores", cpuInWindow);
            }
            Tally tally = tally(run);
            errors(result, run, tally);
            headline(result, run, tally, cpuInWindow);
            details(result, run, tally, sockets);
            return result;
        } finally {
            Api.await(sockets.close(), 30);
            Api.await(api.close(), 30);
        }
    }

    /** Logs every user in and opens their sockets; the run's clock starts once the opens have settled. */
    private Run open(String tag, Api api, Sockets sockets) throws InterruptedException {
        // fresh access tokens for every run (they live 15 minutes)
        List<Api.Account> accounts = Api.all(users, 16, i -> api.login(userPrefix + i));
        Peer[] peers = pair(accounts);
        AtomicReference<Run> holder = new AtomicReference<>();
        AtomicLong earlyCloses = new AtomicLong();
        connect(peers, sockets, holder, earlyCloses);
        Thread.sleep(1000); // presence announcements of the opens settle before the clock starts
        Run run = new Run(tag, peers, earlyCloses, System.nanoTime() + 100_000_000L);
        holder.set(run);
        ctx.out().printf("  %d sockets open; sending %.0f msg/s for %.0f s (+%.0f s warm-up)%n", users, rate,
                durationNanos / 1e9, warmupNanos / 1e9);
        return run;
    }

    private Peer[] pair(List<Api.Account> accounts) {
        // + room for the probes after the load (one a second through the drain)
        int capacity = (int) Math.ceil((warmupNanos + durationNanos) / 1e9 * rate / users) + 16
                + (int) (drainNanos / 1_000_000_000L) + 2;
        Peer[] peers = new Peer[users];
        for (int i = 0; i < users; i++) {
            peers[i] = new Peer(i, accounts.get(i), capacity);
        }
        for (int p = 0; p < users / 2; p++) {
            peers[2 * p].partner = peers[2 * p + 1];
            peers[2 * p + 1].partner = peers[2 * p];
            peers[2 * p].chatId = chatIds[p];
            peers[2 * p + 1].chatId = chatIds[p];
        }
        return peers;
    }

    /** Frames reach the run once there is one (the holder); a close before the run's own is an early close. */
    private void connect(Peer[] peers, Sockets sockets, AtomicReference<Run> holder, AtomicLong earlyCloses) {
        List<WebSocket> opened = Api.all(users, 64, i -> sockets.connect(i, ctx.target().ws(), peers[i].account.accessToken())
                .onSuccess(ws -> {
                    ws.textMessageHandler(frame -> {
                        Run run = holder.get();
                        if (run != null) {
                            run.onFrame(peers[i], frame);
                        }
                    });
                    ws.closeHandler(v -> {
                        Run run = holder.get();
                        if (run == null || !run.closing) {
                            earlyCloses.incrementAndGet();
                        }
                    });
                }));
        for (int i = 0; i < users; i++) {
            peers[i].socket = opened.get(i);
        }
    }

    /** Sends the schedule and samples it once a second, through the warm-up, the measured window and the drain. */
    private Map<String, Object> measure(Run run, int index) throws InterruptedException {
        Thread pacer = new Thread(() -> pace(run), "pacer");
        pacer.setPriority(Thread.MAX_PRIORITY);
        pacer.start();
        long total = scheduled();
        MeasuredWindow window = new MeasuredWindow(ctx, run.measureFrom, run.measureTo, warmupNanos, profileDir, index);
        window.watch(run.measureTo + drainNanos, second -> run.sample(second, pacer, total));
        pacer.join();
        return window.stop();
    }

    private Tally tally(Run run) {
        // closed before counting: what each socket thread recorded is then visible here
        run.closing = true;
        List<Future<Void>> closing = new ArrayList<>();
        for (Peer p : run.peers) {
            closing.add(p.socket.close());
        }
        Api.await(Future.join(closing), 30);
        run.receive.add(run.receiveRecorder.getIntervalHistogram());
        run.ack.add(run.ackRecorder.getIntervalHistogram());

        long sent = 0;
        long acks = 0;
        long lost = 0;
        long refused = 0;
        long refusedYetDelivered = 0;
        for (Peer p : run.peers) {
            long n = Math.min(p.sent.get(), p.probesFrom);
            BitSet received = p.partner.receivedFromPartner.get(0, (int) n);
            BitSet refusedAndReceived = (BitSet) p.refused.clone();
            refusedAndReceived.and(received);
            sent += n;
            acks += p.ackCount;
            refused += p.refused.cardinality();
            refusedYetDelivered += refusedAndReceived.cardinality();
            // a refused send is not lost: its sender was told
            lost += n - received.cardinality() - (p.refused.cardinality() - refusedAndReceived.cardinality());
        }
        return new Tally(sent, acks, lost, refused, refusedYetDelivered);
    }

    private void errors(RunResult result, Run run, Tally tally) {
        result.operations = tally.sent();
        long errorFrames = run.errorFrames.values().stream().mapToLong(AtomicLong::get).sum();
        result.error("lost", tally.lost());
        // refused means "not stored": one that arrives anyway would be stored twice when its sender retries
        result.error("refused yet delivered", tally.refusedYetDelivered());
        result.error("duplicated", run.duplicates.get());
        result.error("duplicate acks", run.duplicateAcks.get());
        // a lost message is usually unacknowledged too: counted once, as lost
        result.error("not acked", Math.max(0, tally.sent() - tally.acked() - tally.refused() - errorFrames - tally.lost()));
        run.errorFrames.forEach((code, n) -> result.error("error " + code, n.get()));
        result.error("send failed", run.sendFailures.get());
        result.error("socket closed", run.earlyCloses.get());
        result.error("unexpected frames", run.unexpected.get());
    }

    /** After {@link #errors}: the headline counts them. */
    private void headline(RunResult result, Run run, Tally tally, Map<String, Object> cpuInWindow) {
        double seconds = durationNanos / 1e9;
        result.headline.put("target msg/s", rate);
        result.headline.put("accepted msg/s", Math.round(run.acksInWindow.get() / seconds * 10) / 10.0);
        result.headline.put("refused msg/s", Math.round(run.refusedInWindow.get() / seconds * 10) / 10.0);
        result.headline.put("delivered msg/s", Math.round(run.deliveredInWindow.get() / seconds * 10) / 10.0);
        result.latency("receive", run.receive);
        result.headline.put("ack p50 ms", RunResult.ms(run.ack.getValueAtPercentile(50)));
        result.headline.put("ack p99 ms", RunResult.ms(run.ack.getValueAtPercentile(99)));
        result.headline.put("lost", (double) tally.lost());
        result.headline.put("duplicated", (double) run.duplicates.get());
        result.headline.put("errors", (double) result.errors);
        // after the load: until every accepted message was delivered, and until a new send was prompt again
        result.headline.put("drain s", run.lastDeliveryAt <= run.measureTo ? 0.0
                : Math.round((run.lastDeliveryAt - run.measureTo) / 1e8) / 10.0);
        result.headline.put("recovered after s", run.recoveredAt == 0 ? -1.0
                : Math.round(Math.max(0, run.recoveredAt - run.measureTo) / 1e8) / 10.0);
        run.heap.peaksMiB().forEach((process, mib) -> {
            if (process.equals("chat-service") || process.equals("gateway")) {
                result.headline.put(process + " heap peak MiB", (Double) mib);
            }
        });
        double deliveredRate = run.deliveredInWindow.get() / seconds;
        if (cpuInWindow != null && deliveredRate > 0) {
            cpuPerMessage(result, cpuInWindow, deliveredRate);
        }
    }

    /** CPU per delivered message: what limits the rate on a machine of 2 cores (all four on it). */
    private static void cpuPerMessage(RunResult result, Map<String, Object> cpuInWindow, double deliveredRate) {
        for (String process : List.of("chat-service", "gateway", "of which store", "harness+store", "harness", "ours")) {
            if (cpuInWindow.get(process) instanceof Double cores) {
                String label = switch (process) {
                    case "of which store" -> "store";
                    case "harness+store" -> "harness+store";
                    case "ours" -> "all";
                    default -> process;
                };
                result.headline.put(label + " CPU us/msg", Math.round(cores * 1e6 / deliveredRate) * 1.0);
            }
        }
    }

    /** After {@link #headline}: the receive latency's distribution and chart come first. */
    private void details(RunResult result, Run run, Tally tally, Sockets sockets) {
        result.details.put("ackLatency", RunResult.distribution(run.ack));
        result.charts.add(RunResult.Chart.percentiles("ack latency", run.ack));
        Histogram lag = run.sendLag.getIntervalHistogram();
        result.details.put("users", users);
        result.details.put("chats", users / 2);
        result.details.put("sent", tally.sent());
        result.details.put("acked", tally.acked());
        result.details.put("delivered", run.delivered.get());
        result.details.put("deliveredInWindow", run.deliveredInWindow.get());
        result.details.put("contentBytes", content.length());
        result.details.put("sourceAddresses", sockets.addresses());
        result.details.put("generatorLagMs", Map.of("p99", RunResult.ms(lag.getValueAtPercentile(99)), "max",
                RunResult.ms(lag.getMaxValue())));
        result.details.put("deliveredPerSecond", run.timeline.stream().map(p -> (long) p[1]).toList());
        result.details.put("refused", tally.refused());
        result.details.put("heapPeakMiB", run.heap.peaksMiB());
        result.details.put("perSecond", Map.of("columns", List.of("second", "offered", "accepted", "refused", "delivered"),
                "rows", run.flow.stream().map(row -> java.util.Arrays.stream(row).boxed().toList()).toList()));
        Map<String, List<double[]>> flowSeries = new java.util.LinkedHashMap<>();
        String[] names = { "offered", "accepted", "refused", "delivered" };
        for (int c = 0; c < names.length; c++) {
            int column = c + 1;
            flowSeries.put(names[c] + " msg/s", run.flow.stream().map(f -> new double[] { f[0], f[column] }).toList());
        }
        result.charts.add(new RunResult.Chart("offered, accepted, refused and delivered per second", "second", "msg/s",
                false, flowSeries));
        result.details.put("receiveP99MsPerSecond", run.p99Timeline.stream().map(p -> p[1]).toList());
        result.charts.add(new RunResult.Chart("delivered per second (warm-up, measured window, drain)", "second",
                "msg/s", false, Map.of("delivered msg/s", run.timeline)));
        result.charts.add(new RunResult.Chart("receive p99 per second (measured window)", "second", "ms", false,
                Map.of("receive p99 ms", run.p99Timeline)));
    }

    private String sendFrame(Run run, Peer peer, int seq) {
        return "{\"event\":\"message:send\",\"id\":\"" + seq + "\",\"data\":{\"chatId\":\"" + peer.chatId
                + "\",\"content\":\"" + content + "\",\"clientMessageId\":\"" + run.tag + "-" + peer.index + "-" + seq + "\"}}";
    }

    /** Messages in the schedule: rate x (warm-up + duration). */
    private long scheduled() {
        return (long) ((warmupNanos + durationNanos) / 1e9 * rate);
    }

    /** The open-model schedule: message k (from user k mod C) is due at t0 + k/R and sent as soon as it is due. */
    private void pace(Run run) {
        Peer[] peers = run.peers;
        long total = scheduled();
        double nanosPerMessage = 1e9 / rate;
        long next = 0;
        while (next < total) {
            long now = System.nanoTime();
            if (now < run.t0) {
                LockSupport.parkNanos(run.t0 - now);
                continue;
            }
            long due = Math.min(total, (long) ((now - run.t0) / nanosPerMessage) + 1);
            while (next < due) {
                Peer peer = peers[(int) (next % peers.length)];
                int seq = (int) (next / peers.length);
                long dueAt = run.t0 + (long) (next * nanosPerMessage);
                peer.due.set(seq, dueAt);
                peer.sent.incrementAndGet();
                peer.socket.writeTextMessage(sendFrame(run, peer, seq)).onFailure(f -> run.sendFailures.incrementAndGet());
                run.sendLag.recordValue(Math.max(0, (System.nanoTime() - dueAt) / 1000));
                next++;
            }
            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(100));
        }
    }
}
