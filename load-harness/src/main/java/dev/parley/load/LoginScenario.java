package dev.parley.load;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Scenario 4, login: K clients log in back to back (closed loop) through the gateway for a while,
 * each as one of U users; logins/s and latency. bcrypt makes every login cost the same CPU by
 * design, so this says how many logins a core of auth-service takes, at the cost it is configured
 * with (the harness's own stack keeps auth-service's default for this scenario).
 */
final class LoginScenario implements Scenario {

    private final Context ctx;
    private final int users;
    private final int concurrency;
    private final long warmupNanos;
    private final long durationNanos;
    private List<Api.Account> accounts;

    LoginScenario(Context ctx) {
        this.ctx = ctx;
        Args a = ctx.args();
        this.users = a.integer("users", 16);
        this.concurrency = a.integer("concurrency", 4);
        this.warmupNanos = a.duration("warmup", "5s").toNanos();
        this.durationNanos = a.duration("duration", "20s").toNanos();
    }

    @Override
    public String name() {
        return "login";
    }

    @Override
    public void prepare() {
        Api api = new Api(ctx.vertx(), ctx.target().gateway, 8);
        String tag = "l" + Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36);
        long t = System.nanoTime();
        accounts = Api.all(users, 4, i -> api.register(tag + "u" + i));
        ctx.out().printf("  %d users registered in %.1f s%n", users, (System.nanoTime() - t) / 1e9);
        Api.await(api.close(), 30);
    }

    @Override
    public RunResult run(int index) throws Exception {
        Api api = new Api(ctx.vertx(), ctx.target().gateway, concurrency);
        Recorder recorder = new Recorder(3);
        AtomicLong ok = new AtomicLong();
        AtomicLong okInWindow = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicLong next = new AtomicLong();
        long start = System.nanoTime();
        long measureFrom = start + warmupNanos;
        long end = measureFrom + durationNanos;
        CountDownLatch finished = new CountDownLatch(concurrency);
        List<String> failures = new ArrayList<>();
        for (int c = 0; c < concurrency; c++) {
            loop(api, recorder, ok, okInWindow, failed, next, measureFrom, end, finished, failures);
        }
        finished.await(durationNanos / 1_000_000_000L + warmupNanos / 1_000_000_000L + 120, TimeUnit.SECONDS);
        Api.await(api.close(), 30);
        Histogram latency = recorder.getIntervalHistogram();
        RunResult result = new RunResult();
        double seconds = durationNanos / 1e9;
        result.operations = ok.get() + failed.get();
        result.error("login failed", failed.get());
        result.headline.put("logins/s", Math.round(okInWindow.get() / seconds * 10) / 10.0);
        result.latency("login", latency);
        result.headline.put("errors", (double) result.errors);
        result.details.put("users", users);
        result.details.put("concurrency", concurrency);
        result.details.put("loginsInWindow", okInWindow.get());
        synchronized (failures) {
            result.details.put("firstFailures", List.copyOf(failures));
        }
        return result;
    }

    private void loop(Api api, Recorder recorder, AtomicLong ok, AtomicLong okInWindow, AtomicLong failed, AtomicLong next,
            long measureFrom, long end, CountDownLatch finished, List<String> failures) {
        if (System.nanoTime() >= end) {
            finished.countDown();
            return;
        }
        Api.Account account = accounts.get((int) (next.getAndIncrement() % accounts.size()));
        long started = System.nanoTime();
        api.login(account.username()).onComplete(r -> {
            long now = System.nanoTime();
            if (r.succeeded()) {
                ok.incrementAndGet();
            } else {
                failed.incrementAndGet();
                synchronized (failures) {
                    if (failures.size() < 5) {
                        failures.add(r.cause().getMessage());
                    }
                }
            }
            if (now >= measureFrom && now < end && r.succeeded()) {
                okInWindow.incrementAndGet();
                // the time of this login only (closed loop: the next starts when this one ends)
                recorder.recordValue((now - started) / 1000);
            }
            loop(api, recorder, ok, okInWindow, failed, next, measureFrom, end, finished, failures);
        });
    }
}
