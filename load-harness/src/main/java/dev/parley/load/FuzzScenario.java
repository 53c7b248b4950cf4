package dev.parley.load;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import dev.parley.load.fuzz.FuzzOutcome;
import dev.parley.load.fuzz.Fuzzer;

/**
 * Scenario 5, fuzz: requests built from every operation of the committed openapi.yaml files and
 * frames from the WebSocket protocol, each broken one way ({@link dev.parley.load.fuzz.FuzzCases}),
 * thrown at the stack; a run passes only with zero 5xx, every 4xx a problem, no stuck socket,
 * every service answering afterwards and only valid documents in the store. The seed is printed:
 * {@code --seed N} replays a run.
 */
final class FuzzScenario implements Scenario {

    private final Context ctx;
    private final int cases;
    private final long seed;
    private final int concurrency;
    private final String storeUri;

    FuzzScenario(Context ctx) {
        this.ctx = ctx;
        Args a = ctx.args();
        this.cases = a.integer("cases", 100_000);
        this.seed = Long.parseLong(a.string("seed", Long.toString(ThreadLocalRandom.current().nextLong(1L << 48))));
        this.concurrency = a.integer("concurrency", 6);
        this.storeUri = a.string("store-uri", "");
    }

    @Override
    public String name() {
        return "fuzz";
    }

    @Override
    public RunResult run(int index) throws Exception {
        URI gateway = ctx.target().gateway;
        int offset = gateway.getPort() - 8080;
        Map<String, URI> services = new LinkedHashMap<>();
        services.put("auth-service", URI.create("http://localhost:" + (8081 + offset)));
        services.put("user-service", URI.create("http://localhost:" + (8082 + offset)));
        services.put("chat-service", ctx.target().chat);
        String store = storeUri.isBlank() ? "mongodb://127.0.0.1:" + (27027 + offset) : storeUri;
        Fuzzer fuzzer = new Fuzzer(new Fuzzer.Options(gateway, services, store, Target.findRoot(), seed + index, cases,
                concurrency), ctx.vertx(), ctx.out());
        FuzzOutcome outcome = fuzzer.run();
        outcome.print(ctx.out());
        RunResult result = new RunResult();
        result.operations = outcome.cases();
        outcome.failures().forEach(f -> result.error(f.length() > 60 ? f.substring(0, 60) : f, 1));
        result.headline.put("cases", (double) outcome.cases());
        result.headline.put("rejected 4xx", (double) outcome.rejected());
        result.headline.put("5xx", (double) outcome.serverErrors());
        result.headline.put("stuck sockets", (double) outcome.stuck());
        result.headline.put("failures", (double) outcome.failures().size());
        result.details.put("seed", outcome.seed());
        result.details.put("httpCases", outcome.httpCases());
        result.details.put("frameCases", outcome.frameCases());
        result.details.put("httpAnswers", outcome.statuses());
        result.details.put("frameAnswers", outcome.frames());
        result.details.put("servicesHealthyAfter", outcome.servicesHealthy());
        result.details.put("storeValid", outcome.storeValid());
        result.details.put("failures", outcome.failures());
        result.details.put("seconds", outcome.seconds());
        return result;
    }
}
