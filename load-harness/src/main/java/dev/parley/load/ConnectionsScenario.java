package dev.parley.load;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import io.vertx.core.Future;
import io.vertx.core.http.WebSocket;

/**
 * Scenario 2, connections: ramps up N idle authenticated sockets (U users, N/U devices each),
 * holds them, and reports what chat-service pays per connection: live heap (after a full GC) and
 * RSS, measured at checkpoints during the ramp so the per-connection figure is a slope, not one
 * difference. Sockets go through the gateway unless {@code --direct} (straight to chat-service:
 * the gateway holds two descriptors per socket, so it runs out first).
 */
final class ConnectionsScenario implements Scenario {

    private final Context ctx;
    private final int sockets;
    private final int users;
    private final double rampRate;
    private final long holdNanos;
    private final boolean direct;
    private final int sourceAddresses;
    private final int checkpoints;
    private final boolean histogram;

    /** The stack's default cap (parley.gateway.websocket / parley.chat.socket max-sockets-per-user). */
    static final int MAX_SOCKETS_PER_USER = 10;

    ConnectionsScenario(Context ctx) {
        this.ctx = ctx;
        Args a = ctx.args();
        this.sockets = a.integer("sockets", 1000);
        // at most 10 sockets per user: the gateway and chat-service refuse an eleventh (429 too_many_sockets)
        this.users = Math.max(1, a.integer("users", Math.max(1, (sockets + MAX_SOCKETS_PER_USER - 1) / MAX_SOCKETS_PER_USER)));
        if ((sockets + users - 1) / users > MAX_SOCKETS_PER_USER) {
            throw new IllegalArgumentException(String.format("%d sockets over %d users is more than %d per user, which the"
                    + " stack refuses (too_many_sockets): use --users %d or more", sockets, users, MAX_SOCKETS_PER_USER,
                    (sockets + MAX_SOCKETS_PER_USER - 1) / MAX_SOCKETS_PER_USER));
        }
        this.rampRate = a.decimal("ramp", 500);
        this.holdNanos = a.duration("hold", "20s").toNanos();
        this.direct = a.flag("direct");
        this.sourceAddresses = a.integer("source-addresses", Math.max(1, (sockets + 19_999) / 20_000));
        this.checkpoints = Math.max(1, a.integer("checkpoints", 4));
        this.histogram = a.flag("histogram");
    }

    @Override
    public String name() {
        return "connections";
    }

    /** One run's sockets, and what chat-service and the gateway were measured to hold as they opened. */
    private final class Run {
        final long chatPid;
        final long gatewayPid;
        final Sockets pool;
        final URI ws;
        final List<WebSocket> open = new ArrayList<>();
        final AtomicLong connectFailures = new AtomicLong();
        final AtomicLong closedEarly = new AtomicLong();
        final Map<String, Long> failureKinds = new ConcurrentHashMap<>();
        final AtomicBoolean closing = new AtomicBoolean();
        /** (open sockets, KiB) at each checkpoint. */
        final List<double[]> heapPoints = new ArrayList<>();
        final List<double[]> rssPoints = new ArrayList<>();
        final List<double[]> gatewayHeapPoints = new ArrayList<>();
        final List<double[]> gatewayRssPoints = new ArrayList<>();
        double rampSeconds;
        long held;
        long openFiles;
        long heapAfterCloseKiB;

        Run(Target target) {
            this.chatPid = target.pid("chat-service");
            this.gatewayPid = target.pid("gateway");
            this.pool = new Sockets(ctx.vertx(), sourceAddresses);
            this.ws = direct ? URI.create(target.chat.toString().replace("http://", "ws://") + "/ws") : target.ws();
        }

        int opened() {
            synchronized (open) {
                return open.size();
            }
        }

        void checkpoint() {
            int n = opened();
            if (chatPid > 0) {
                heapPoints.add(new double[] { n, Machine.liveHeapKiB(chatPid) });
                rssPoints.add(new double[] { n, Machine.rssKiB(chatPid) });
            }
            if (gatewayPid > 0 && !direct) {
                gatewayHeapPoints.add(new double[] { n, Machine.liveHeapKiB(gatewayPid) });
                gatewayRssPoints.add(new double[] { n, Machine.rssKiB(gatewayPid) });
            }
            ctx.out().printf("  %6d sockets: chat-service heap %s, RSS %s%n", n,
                    heapPoints.isEmpty() ? "?" : mib(last(heapPoints)), rssPoints.isEmpty() ? "?" : mib(last(rssPoints)));
        }
    }

    @Override
    public RunResult run(int index) throws Exception {
        Target target = ctx.target();
        String tag = "k" + Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36) + index;
        Api api = new Api(ctx.vertx(), target.gateway, 16);
        Run run = new Run(target);
        RunResult result = new RunResult();
        try {
            List<Api.Account> accounts = Api.all(users, 16, i -> api.register(tag + "u" + i));
            Map<String, Long> classesBefore = histogram && run.chatPid > 0 ? Machine.classBytes(run.chatPid) : Map.of();
            run.checkpoint();
            ctx.out().printf("  %d users; opening %d sockets %s at %.0f/s from %s%n", users, sockets,
                    direct ? "straight to chat-service" : "through the gateway", rampRate, run.pool.addresses());
            ramp(run, accounts);
            hold(run, classesBefore, result);
            closeAll(run);
            report(run, result);
            return result;
        } finally {
            run.closing.set(true);
            Api.await(run.pool.close(), 120);
            Api.await(api.close(), 30);
        }
    }

    /** Opens the sockets at the ramp rate, at most 256 handshakes at a time, with checkpoints on the way. */
    private void ramp(Run run, List<Api.Account> accounts) throws InterruptedException {
        Semaphore handshakes = new Semaphore(256);
        long t0 = System.nanoTime();
        int nextCheckpoint = 1;
        for (int i = 0; i < sockets; i++) {
            long due = t0 + (long) (i * 1e9 / rampRate);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            handshakes.acquire();
            connect(run, i, accounts.get(i % users), handshakes);
            if (nextCheckpoint < checkpoints && i + 1 == (long) sockets * nextCheckpoint / checkpoints) {
                handshakes.acquire(256);
                handshakes.release(256);
                run.checkpoint();
                nextCheckpoint++;
            }
        }
        handshakes.acquire(256);
        handshakes.release(256);
        run.rampSeconds = (System.nanoTime() - t0) / 1e9;
    }

    private void connect(Run run, int socketIndex, Api.Account account, Semaphore handshakes) {
        run.pool.connect(socketIndex, run.ws, account.accessToken()).onComplete(r -> {
            if (r.succeeded()) {
                WebSocket socket = r.result();
                socket.closeHandler(v -> {
                    if (!run.closing.get()) {
                        run.closedEarly.incrementAndGet();
                    }
                });
                synchronized (run.open) {
                    run.open.add(socket);
                }
            } else {
                run.connectFailures.incrementAndGet();
                run.failureKinds.merge(String.valueOf(r.cause().getMessage()).replaceAll("[0-9]+", "N"), 1L, Long::sum);
                if (run.connectFailures.get() <= 3) {
                    ctx.out().printf("  socket %d failed: %s%n", socketIndex, r.cause());
                }
            }
            handshakes.release(); // after counting it: a checkpoint waits for every slot
        });
    }

    private void hold(Run run, Map<String, Long> classesBefore, RunResult result) throws InterruptedException {
        int opened = run.opened();
        ctx.out().printf("  %d open after %.1f s (%d failed); holding %.0f s%n", opened, run.rampSeconds,
                run.connectFailures.get(), holdNanos / 1e9);
        Thread.sleep(TimeUnit.NANOSECONDS.toMillis(holdNanos));
        run.checkpoint();
        run.held = opened - run.closedEarly.get();
        run.openFiles = run.chatPid > 0 ? Machine.openFiles(run.chatPid) : -1;
        if (histogram && run.chatPid > 0 && run.held > 0) {
            bytesPerSocketByClass(run.chatPid, classesBefore, run.held, result);
        }
    }

    /** What one more socket costs, class by class: (live bytes now - before) / sockets. */
    private void bytesPerSocketByClass(long chatPid, Map<String, Long> classesBefore, long held, RunResult result) {
        Map<String, Long> after = Machine.classBytes(chatPid);
        Map<String, Double> perSocket = new LinkedHashMap<>();
        after.entrySet().stream()
                .map(e -> Map.entry(e.getKey(), (e.getValue() - classesBefore.getOrDefault(e.getKey(), 0L)) / (double) held))
                .filter(e -> e.getValue() >= 8)
                .sorted((x, y) -> Double.compare(y.getValue(), x.getValue()))
                .limit(30)
                .forEach(e -> perSocket.put(e.getKey(), round1(e.getValue())));
        result.details.put("chatServiceBytesPerSocketByClass", perSocket);
        ctx.out().println("  chat-service bytes per socket, by class (top 30): " + perSocket);
    }

    private void closeAll(Run run) throws InterruptedException {
        run.closing.set(true);
        List<Future<Void>> closes = new ArrayList<>();
        synchronized (run.open) {
            run.open.forEach(s -> closes.add(s.close()));
        }
        Api.await(Future.join(closes), 120);
        Thread.sleep(2000); // let chat-service run its close handlers before measuring what is left
        run.heapAfterCloseKiB = run.chatPid > 0 ? Machine.liveHeapKiB(run.chatPid) : -1;
    }

    private void report(Run run, RunResult result) {
        result.operations = sockets;
        result.error("connect failed", run.connectFailures.get());
        result.error("closed while held", run.closedEarly.get());
        headline(run, result);
        details(run, result);
        result.charts.add(memoryChart(run));
    }

    private void headline(Run run, RunResult result) {
        double heapSlope = slope(run.heapPoints);
        double rssSlope = slope(run.rssPoints);
        result.headline.put("sockets asked", (double) sockets);
        result.headline.put("sockets held", (double) run.held);
        result.headline.put("chat heap KiB/socket", round1(heapSlope));
        result.headline.put("chat RSS KiB/socket", round1(rssSlope));
        if (!run.gatewayHeapPoints.isEmpty()) {
            result.headline.put("gateway heap KiB/socket", round1(slope(run.gatewayHeapPoints)));
            result.headline.put("gateway RSS KiB/socket", round1(slope(run.gatewayRssPoints)));
        }
        result.headline.put("ramp s", round1(run.rampSeconds));
        result.headline.put("errors", (double) result.errors);
    }

    private void details(Run run, RunResult result) {
        result.details.put("users", users);
        result.details.put("route", direct ? "direct to chat-service" : "through the gateway");
        result.details.put("sourceAddresses", run.pool.addresses());
        result.details.put("connectFailureKinds", run.failureKinds);
        result.details.put("chatServiceOpenFiles", run.openFiles);
        result.details.put("chatServiceHeapKiB", points(run.heapPoints));
        result.details.put("chatServiceRssKiB", points(run.rssPoints));
        result.details.put("chatServiceHeapAfterCloseKiB", run.heapAfterCloseKiB);
        result.details.put("gatewayHeapKiB", points(run.gatewayHeapPoints));
        result.details.put("gatewayRssKiB", points(run.gatewayRssPoints));
        if (!run.heapPoints.isEmpty()) {
            result.details.put("heapPerSocketEndpointsKiB",
                    round1((last(run.heapPoints) - run.heapPoints.get(0)[1]) / Math.max(1, run.held)));
        }
    }

    private static RunResult.Chart memoryChart(Run run) {
        Map<String, List<double[]>> memory = new LinkedHashMap<>();
        memory.put("chat-service heap MiB", toMiB(run.heapPoints));
        memory.put("chat-service RSS MiB", toMiB(run.rssPoints));
        if (!run.gatewayHeapPoints.isEmpty()) {
            memory.put("gateway heap MiB", toMiB(run.gatewayHeapPoints));
            memory.put("gateway RSS MiB", toMiB(run.gatewayRssPoints));
        }
        return new RunResult.Chart("memory vs open sockets", "open sockets", "MiB", false, memory);
    }

    /** Least-squares slope of (sockets, KiB): what one more socket costs. */
    static double slope(List<double[]> points) {
        int n = points.size();
        if (n < 2) {
            return Double.NaN;
        }
        double sx = 0, sy = 0, sxx = 0, sxy = 0;
        for (double[] p : points) {
            sx += p[0];
            sy += p[1];
            sxx += p[0] * p[0];
            sxy += p[0] * p[1];
        }
        double d = n * sxx - sx * sx;
        return d == 0 ? Double.NaN : (n * sxy - sx * sy) / d;
    }

    private static double last(List<double[]> points) {
        return points.get(points.size() - 1)[1];
    }

    private static String mib(double kib) {
        return String.format("%.1f MiB", kib / 1024);
    }

    private static List<double[]> toMiB(List<double[]> points) {
        return points.stream().map(p -> new double[] { p[0], Math.round(p[1] / 102.4) / 10.0 }).toList();
    }

    private static List<List<Double>> points(List<double[]> points) {
        return points.stream().map(p -> List.of(p[0], p[1])).toList();
    }

    static double round1(double v) {
        return Double.isNaN(v) ? v : Math.round(v * 10) / 10.0;
    }
}
