package dev.parley.load;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
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

    ConnectionsScenario(Context ctx) {
        this.ctx = ctx;
        Args a = ctx.args();
        this.sockets = a.integer("sockets", 1000);
        this.users = Math.max(1, a.integer("users", Math.max(1, Math.min(200, sockets / 20))));
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

    @Override
    public RunResult run(int index) throws Exception {
        var out = ctx.out();
        Target target = ctx.target();
        long chatPid = target.pid("chat-service");
        long gatewayPid = target.pid("gateway");
        String tag = "k" + Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36) + index;
        Api api = new Api(ctx.vertx(), target.gateway, 16);
        Sockets pool = new Sockets(ctx.vertx(), sourceAddresses);
        URI ws = direct ? URI.create(target.chat.toString().replace("http://", "ws://") + "/ws") : target.ws();
        RunResult result = new RunResult();
        List<WebSocket> open = new ArrayList<>();
        AtomicLong connectFailures = new AtomicLong();
        AtomicLong closedEarly = new AtomicLong();
        Map<String, Long> failureKinds = new java.util.concurrent.ConcurrentHashMap<>();
        java.util.concurrent.atomic.AtomicBoolean closing = new java.util.concurrent.atomic.AtomicBoolean();
        try {
            List<Api.Account> accounts = Api.all(users, 16, i -> api.register(tag + "u" + i));
            List<double[]> heapPoints = new ArrayList<>();
            List<double[]> rssPoints = new ArrayList<>();
            List<double[]> gatewayHeapPoints = new ArrayList<>();
            List<double[]> gatewayRssPoints = new ArrayList<>();
            Runnable checkpoint = () -> {
                int n;
                synchronized (open) {
                    n = open.size();
                }
                if (chatPid > 0) {
                    heapPoints.add(new double[] { n, Machine.liveHeapKiB(chatPid) });
                    rssPoints.add(new double[] { n, Machine.rssKiB(chatPid) });
                }
                if (gatewayPid > 0 && !direct) {
                    gatewayHeapPoints.add(new double[] { n, Machine.liveHeapKiB(gatewayPid) });
                    gatewayRssPoints.add(new double[] { n, Machine.rssKiB(gatewayPid) });
                }
                out.printf("  %6d sockets: chat-service heap %s, RSS %s%n", n,
                        heapPoints.isEmpty() ? "?" : mib(last(heapPoints)), rssPoints.isEmpty() ? "?" : mib(last(rssPoints)));
            };
            Map<String, Long> classesBefore = histogram && chatPid > 0 ? Machine.classBytes(chatPid) : Map.of();
            checkpoint.run();
            out.printf("  %d users; opening %d sockets %s at %.0f/s from %s%n", users, sockets,
                    direct ? "straight to chat-service" : "through the gateway", rampRate, pool.addresses());

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
                int socketIndex = i;
                pool.connect(i, ws, accounts.get(i % users).accessToken()).onComplete(r -> {
                    if (r.succeeded()) {
                        WebSocket socket = r.result();
                        socket.closeHandler(v -> {
                            if (!closing.get()) {
                                closedEarly.incrementAndGet();
                            }
                        });
                        synchronized (open) {
                            open.add(socket);
                        }
                    } else {
                        connectFailures.incrementAndGet();
                        failureKinds.merge(String.valueOf(r.cause().getMessage()).replaceAll("[0-9]+", "N"), 1L, Long::sum);
                        if (connectFailures.get() <= 3) {
                            out.printf("  socket %d failed: %s%n", socketIndex, r.cause());
                        }
                    }
                    handshakes.release(); // after counting it: a checkpoint waits for every slot
                });
                if (nextCheckpoint < checkpoints && i + 1 == (long) sockets * nextCheckpoint / checkpoints) {
                    handshakes.acquire(256);
                    handshakes.release(256);
                    checkpoint.run();
                    nextCheckpoint++;
                }
            }
            handshakes.acquire(256);
            handshakes.release(256);
            double rampSeconds = (System.nanoTime() - t0) / 1e9;
            int opened;
            synchronized (open) {
                opened = open.size();
            }
            out.printf("  %d open after %.1f s (%d failed); holding %.0f s%n", opened, rampSeconds, connectFailures.get(),
                    holdNanos / 1e9);
            Thread.sleep(TimeUnit.NANOSECONDS.toMillis(holdNanos));
            checkpoint.run();
            long held = opened - closedEarly.get();
            long fds = chatPid > 0 ? Machine.openFiles(chatPid) : -1;
            if (histogram && chatPid > 0 && held > 0) {
                // what one more socket costs, class by class: (live bytes now - before) / sockets
                Map<String, Long> after = Machine.classBytes(chatPid);
                Map<String, Double> perSocket = new LinkedHashMap<>();
                after.entrySet().stream()
                        .map(e -> Map.entry(e.getKey(), (e.getValue() - classesBefore.getOrDefault(e.getKey(), 0L)) / (double) held))
                        .filter(e -> e.getValue() >= 8)
                        .sorted((x, y) -> Double.compare(y.getValue(), x.getValue()))
                        .limit(30)
                        .forEach(e -> perSocket.put(e.getKey(), round1(e.getValue())));
                result.details.put("chatServiceBytesPerSocketByClass", perSocket);
                out.println("  chat-service bytes per socket, by class (top 30): " + perSocket);
            }

            closing.set(true);
            List<Future<Void>> closes = new ArrayList<>();
            synchronized (open) {
                open.forEach(s -> closes.add(s.close()));
            }
            Api.await(Future.join(closes), 120);
            Thread.sleep(2000); // let chat-service run its close handlers before measuring what is left
            long heapAfterClose = chatPid > 0 ? Machine.liveHeapKiB(chatPid) : -1;

            result.operations = sockets;
            result.error("connect failed", connectFailures.get());
            result.error("closed while held", closedEarly.get());
            double heapSlope = slope(heapPoints);
            double rssSlope = slope(rssPoints);
            result.headline.put("sockets asked", (double) sockets);
            result.headline.put("sockets held", (double) held);
            result.headline.put("chat heap KiB/socket", round1(heapSlope));
            result.headline.put("chat RSS KiB/socket", round1(rssSlope));
            if (!gatewayHeapPoints.isEmpty()) {
                result.headline.put("gateway heap KiB/socket", round1(slope(gatewayHeapPoints)));
                result.headline.put("gateway RSS KiB/socket", round1(slope(gatewayRssPoints)));
            }
            result.headline.put("ramp s", round1(rampSeconds));
            result.headline.put("errors", (double) result.errors);
            result.details.put("users", users);
            result.details.put("route", direct ? "direct to chat-service" : "through the gateway");
            result.details.put("sourceAddresses", pool.addresses());
            result.details.put("connectFailureKinds", failureKinds);
            result.details.put("chatServiceOpenFiles", fds);
            result.details.put("chatServiceHeapKiB", points(heapPoints));
            result.details.put("chatServiceRssKiB", points(rssPoints));
            result.details.put("chatServiceHeapAfterCloseKiB", heapAfterClose);
            result.details.put("gatewayHeapKiB", points(gatewayHeapPoints));
            result.details.put("gatewayRssKiB", points(gatewayRssPoints));
            if (!heapPoints.isEmpty()) {
                result.details.put("heapPerSocketEndpointsKiB", round1((last(heapPoints) - heapPoints.get(0)[1]) / Math.max(1, held)));
            }
            Map<String, List<double[]>> memory = new LinkedHashMap<>();
            memory.put("chat-service heap MiB", toMiB(heapPoints));
            memory.put("chat-service RSS MiB", toMiB(rssPoints));
            if (!gatewayHeapPoints.isEmpty()) {
                memory.put("gateway heap MiB", toMiB(gatewayHeapPoints));
                memory.put("gateway RSS MiB", toMiB(gatewayRssPoints));
            }
            result.charts.add(new RunResult.Chart("memory vs open sockets", "open sockets", "MiB", false, memory));
            return result;
        } finally {
            closing.set(true);
            Api.await(pool.close(), 120);
            Api.await(api.close(), 30);
        }
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
