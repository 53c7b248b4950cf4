package dev.parley.load;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.parley.load.fuzz.Fuzzer;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;

/**
 * {@code ./bench SCENARIO [--option value ...]}: runs one load scenario against Parley, repeats it,
 * prints a summary table (each run, median, spread) and writes JSON and an HTML page under
 * {@code bench-results/}. Without {@code --gateway} it starts the whole packaged stack itself, on
 * ports of its own. A run whose error rate is above {@code --max-error-rate} is refused, not
 * reported. See docs/benchmarks.md for every option.
 */
public final class Bench {

    static final String USAGE = """
            Usage: ./bench SCENARIO [options]
              chat         --users 200 --rate 2000 --duration 30s --warmup 10s --size 100 --drain 15s
              connections  --sockets 1000 --users 50 --ramp 500 --hold 20s [--direct] [--source-addresses N] [--histogram]
              history      --messages 1M --page 50 --pages 200 --duration 120s [--via gateway|chat] [--seed-concurrency 64]
              login        --users 16 --concurrency 4 --duration 20s --warmup 5s
              fuzz         --cases 100000 [--seed N] --concurrency 6 [--store-uri mongodb://...]   (runs 1, max-error-rate 0)
            Every scenario:
              --runs 3                 repeat; the table shows each run, the median and the spread
              --max-error-rate 0.001   a run with more errors than this (a fraction) is refused, not reported
              --results DIR            where JSON and HTML go (default bench-results/ in the repository)
              --port-offset 700        ports of the stack the harness starts (gateway 8780, chat 8783, store 27727)
              --store file|memory      the embedded store's backend: file (H2, as ./run-local; default) or memory
              --gateway URL [--chat URL]  use a running stack instead (./run-local), chat default: gateway port + 3
              --bcrypt-cost N          auth-service's cost in the harness's stack (default 4 for setup speed, except login)
              --chat-jvm "OPTS"  --gateway-jvm "OPTS"   extra JVM options for those services (e.g. -Xmx2g)
              --jfr DIR                record chat-service and gateway with JDK Flight Recorder into DIR (whole life)
              --profile DIR            chat: record every process with JFR over the measured window only
              --services-from DIR      run the packaged services of another checkout (e.g. with a candidate fix)
              --set k=v[,k=v]          extra configuration for every service of the harness's stack
              --event-loops 2          the harness's own Vert.x event loops
            """;

    private Bench() {
    }

    public static void main(String[] argv) throws Exception {
        if (argv.length == 0 || argv[0].startsWith("-")) {
            System.err.print(USAGE);
            System.exit(2);
        }
        int status;
        try {
            status = run(argv, System.out);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.print(USAGE);
            status = 2;
        }
        System.exit(status);
    }

    /** Runs a command; returns 0 when every run was reported, 1 when one was refused. Also used by the smoke test. */
    static int run(String[] argv, PrintStream out) throws Exception {
        return execute(argv, out).refusedRuns == 0 ? 0 : 1;
    }

    /** What a command produced (for the smoke test). */
    record Outcome(Report report, List<RunResult> runs, Path html, int refusedRuns) {
    }

    static Outcome execute(String[] argv, PrintStream out) throws Exception {
        String scenarioName = argv[0];
        if (!List.of("chat", "connections", "history", "login", "fuzz").contains(scenarioName)) {
            throw new IllegalArgumentException("Unknown scenario " + scenarioName);
        }
        Args args = new Args(argv, 1);
        boolean fuzz = "fuzz".equals(scenarioName);
        // a fuzz run is a check, not a measurement: once is enough, and one failure fails it
        int runs = args.integer("runs", fuzz ? 1 : 3);
        double maxErrorRate = args.decimal("max-error-rate", fuzz ? 0 : 0.001);
        Path root = Target.findRoot();
        Path results = Path.of(args.string("results", root.resolve("bench-results").toString()));
        int offset = args.integer("port-offset", 700);
        // the store kind is in the name: a memory-store run must never wipe a file store's seeded history
        Path data = root.resolve(".data").resolve("bench-" + scenarioName + "-" + (memoryStoreAsked(argv) ? "memory" : "file")
                + "-" + offset);
        int eventLoops = args.integer("event-loops", 2);
        Integer bcryptCost = args.has("bcrypt-cost") ? Integer.valueOf(args.integer("bcrypt-cost", 4))
                : "login".equals(scenarioName) ? null : 4;
        Map<String, List<String>> jvm = new LinkedHashMap<>();
        addJvm(jvm, "chat-service", args.string("chat-jvm", ""));
        addJvm(jvm, "gateway", args.string("gateway-jvm", ""));
        String jfr = args.string("jfr", "");
        if (!jfr.isBlank()) {
            Path dir = Path.of(jfr).toAbsolutePath();
            Files.createDirectories(dir);
            for (String service : List.of("chat-service", "gateway")) {
                jvm.computeIfAbsent(service, s -> new ArrayList<>()).add("-XX:StartFlightRecording=filename="
                        + dir.resolve(service + ".jfr") + ",settings=profile,dumponexit=true");
            }
        }
        // the packaged services to run: this repository's, or another checkout's (a candidate fix, measured side by side)
        Path servicesRoot = Path.of(args.string("services-from", root.toString())).toAbsolutePath();
        String store = args.string("store", "file");
        if (!List.of("file", "memory").contains(store)) {
            throw new IllegalArgumentException("--store is file (as ./run-local) or memory");
        }
        boolean memoryStore = "memory".equals(store);
        // extra configuration for every service of the harness's stack: --set key=value,key=value
        Map<String, String> settings = new LinkedHashMap<>();
        if (fuzz) {
            settings.putAll(Fuzzer.STACK_SETTINGS);
        }
        for (String pair : args.string("set", "").split(",")) {
            if (!pair.isBlank()) {
                int eq = pair.indexOf('=');
                if (eq < 1) {
                    throw new IllegalArgumentException("--set wants key=value[,key=value...], not " + pair);
                }
                settings.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
            }
        }
        String gateway = args.string("gateway", "");
        String chat = args.string("chat", "");

        if (gateway.isBlank()) {
            Files.createDirectories(data.resolve("logs"));
            // the embedded store logs every connection: into the data directory, not the console
            // (set before anything, Vert.x included, starts SLF4J)
            System.setProperty("org.slf4j.simpleLogger.logFile", data.resolve("logs").resolve("store.log").toString());
        }
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(eventLoops).setBlockedThreadCheckInterval(10_000));
        Target target = null;
        try {
            Map<String, Object> machine = Machine.describe();
            Scenario.Context context = new Scenario.Context(null, vertx, args, out);
            Scenario scenario = create(scenarioName, context);
            if (!args.unknown().isEmpty()) {
                throw new IllegalArgumentException("Unknown option(s) for " + scenarioName + ": " + args.unknown());
            }
            if (gateway.isBlank()) {
                out.printf("Starting Parley on port offset %d (data in %s) ...%n", offset, data);
                target = Target.start(servicesRoot, data, "history".equals(scenarioName) && !memoryStore, offset, bcryptCost,
                        settings, jvm, memoryStore);
            } else {
                URI g = URI.create(gateway);
                URI c = chat.isBlank() ? URI.create(g.getScheme() + "://" + g.getHost() + ":" + (g.getPort() + 3)) : URI.create(chat);
                target = Target.running(g, c);
                Files.createDirectories(results);
                target.workDir = results.resolve("state-" + g.getPort());
            }
            context.target(target);
            out.printf("%s against %s, %d run(s)%n", scenarioName, target.gateway, runs);
            scenario.prepare();
            List<RunResult> results1 = new ArrayList<>();
            int refused = 0;
            for (int i = 0; i < runs; i++) {
                if (i > 0) {
                    settle(target, out);
                }
                out.printf("run %d of %d (load average %s)%n", i + 1, runs, Machine.loadAverage());
                String loadBefore = Machine.loadAverage();
                Machine.CpuMeter cpu = new Machine.CpuMeter(target.pids);
                RunResult result;
                try {
                    result = scenario.run(i);
                } catch (Exception | AssertionError e) {
                    // a run that could not even be carried out is reported as such, and the others still run
                    result = new RunResult();
                    result.error("run failed", 1);
                    result.details.put("failure", String.valueOf(e));
                }
                Map<String, Object> cores = cpu.stop();
                // a scenario that measured CPU over its own measured window has put that in already
                result.details.putIfAbsent("cpuCores", cores);
                result.details.put("loadAverageBeforeAfter", loadBefore + " / " + Machine.loadAverage());
                if (result.errorRate() > maxErrorRate) {
                    result.refused = String.format("error rate %.3f%% is above the %.3f%% allowed (%s)", result.errorRate() * 100,
                            maxErrorRate * 100, result.errorKinds);
                    refused++;
                }
                out.printf("  run %d: %s%n", i + 1, result.refused != null ? "REFUSED, " + result.refused
                        : result.headline + " cpu " + result.details.get("cpuCores"));
                results1.add(result);
            }
            Map<String, Object> header = new LinkedHashMap<>();
            Instant now = Instant.now();
            header.put("date", now.toString());
            header.put("commit", git(root, "rev-parse", "--short", "HEAD") + (git(root, "status", "--porcelain").isBlank() ? "" : " (work tree has uncommitted changes)"));
            header.put("command", "./bench " + String.join(" ", Arrays.asList(argv)));
            header.put("options", args.used());
            header.put("maxErrorRate", maxErrorRate);
            header.put("machine", machine);
            header.put("stack", target.description);
            Report report = new Report(scenarioName, header, results1);
            report.print(out);
            Path html = report.write(results, DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(now));
            out.printf("%nResults: %s (and .json beside it)%n", html);
            return new Outcome(report, results1, html, refused);
        } finally {
            if (target != null) {
                target.close();
            }
            vertx.close().toCompletionStage().toCompletableFuture().get();
        }
    }

    /**
     * Waits (at most a minute) until chat-service is idle again, so that a run does not start while
     * the previous one's backlog is still being worked off.
     */
    private static void settle(Target target, PrintStream out) throws InterruptedException {
        long pid = target.pid("chat-service");
        if (pid < 0) {
            return;
        }
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            long before = Machine.cpuTicks(pid);
            Thread.sleep(2000);
            double cores = (Machine.cpuTicks(pid) - before) / 100.0 / 2;
            if (cores < 0.15) {
                return;
            }
            out.printf("  waiting for chat-service to settle (%.2f cores busy)%n", cores);
        }
    }

    private static boolean memoryStoreAsked(String[] argv) {
        for (int i = 1; i < argv.length; i++) {
            if (argv[i].equals("--store=memory") || (argv[i].equals("--store") && i + 1 < argv.length && argv[i + 1].equals("memory"))) {
                return true;
            }
        }
        return false;
    }

    private static Scenario create(String name, Scenario.Context ctx) {
        return switch (name) {
            case "chat" -> new ChatScenario(ctx);
            case "connections" -> new ConnectionsScenario(ctx);
            case "history" -> new HistoryScenario(ctx);
            case "login" -> new LoginScenario(ctx);
            case "fuzz" -> new FuzzScenario(ctx);
            default -> throw new IllegalArgumentException("Unknown scenario " + name);
        };
    }

    private static void addJvm(Map<String, List<String>> jvm, String service, String options) {
        if (!options.isBlank()) {
            jvm.computeIfAbsent(service, s -> new ArrayList<>()).addAll(Arrays.asList(options.trim().split("\\s+")));
        }
    }

    private static String git(Path root, String... command) {
        try {
            List<String> cmd = new ArrayList<>(List.of("git", "-C", root.toString()));
            cmd.addAll(Arrays.asList(command));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String text = new String(p.getInputStream().readAllBytes()).trim();
            p.waitFor();
            return text;
        } catch (IOException e) {
            return "?";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "?";
        }
    }
}
