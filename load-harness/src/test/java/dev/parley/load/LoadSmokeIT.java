package dev.parley.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;

/**
 * The harness itself cannot rot: a few seconds of the chat and connections scenarios against the
 * real packaged stack. Asserts correctness only (every message delivered once, every socket held),
 * never speed.
 */
class LoadSmokeIT {

    private static Target target;
    private static Vertx vertx;

    @BeforeAll
    static void startTheStack() throws Exception {
        Path root = Path.of("..").toAbsolutePath().normalize();
        Path data = Path.of("target", "smoke-stack").toAbsolutePath();
        Files.createDirectories(data.resolve("logs"));
        System.setProperty("org.slf4j.simpleLogger.logFile", data.resolve("logs").resolve("store.log").toString());
        vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
        // offset 900: no other test uses it. The smoke run checks the accounting, not shedding: a cold
        // JVM on a busy CI machine may hold a frame past the 0.5 s wait budget, which would refuse it
        target = Target.start(root, data, false, 900, 4, Map.of("parley.chat.socket.wait-budget", "PT30S"), Map.of());
    }

    @AfterAll
    static void stopTheStack() throws Exception {
        if (target != null) {
            target.close();
        }
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void everyChatMessageArrivesOnceAndIsAcked() throws Exception {
        Args args = Args.of(Map.of("users", "20", "rate", "200", "warmup", "1s", "duration", "3s", "drain", "10s"));
        ChatScenario chat = new ChatScenario(new Scenario.Context(target, vertx, args, System.out));
        chat.prepare();
        RunResult run = chat.run(0);

        assertEquals(Map.of(), run.errorKinds, "lost, duplicated, unacknowledged or refused messages");
        assertEquals(0, run.headline.get("lost"));
        assertEquals(0, run.headline.get("duplicated"));
        long sent = (long) run.details.get("sent");
        assertEquals(800, sent, "the open-model schedule sends rate x (warm-up + duration) messages");
        assertEquals(0L, run.details.get("refused"), "nothing refused at a tenth of saturation");
        assertEquals(sent, run.details.get("acked"));
        assertEquals(sent, run.details.get("delivered"));
        assertTrue(run.headline.get("receive p99 ms") > 0);

        Report report = new Report("chat", Map.of("date", "smoke", "commit", "smoke", "command", "smoke"), List.of(run));
        Path html = report.write(Path.of("target", "smoke-results"), "smoke");
        assertTrue(Files.readString(html).contains("<svg"), "the HTML page has its charts");
        assertTrue(Files.exists(html.resolveSibling("chat-smoke.json")));
    }

    @Test
    void idleSocketsAreHeldAndMeasured() throws Exception {
        // 150: under the 200 sockets the gateway tunnels per chat-service instance by default (docs/benchmarks.md)
        // 15 users: at most 10 sockets each, the stack's cap per user
        Args args = Args.of(Map.of("sockets", "150", "users", "15", "ramp", "400", "hold", "2s", "checkpoints", "1",
                "source-addresses", "2"));
        RunResult run = new ConnectionsScenario(new Scenario.Context(target, vertx, args, System.out)).run(0);

        assertEquals(Map.of(), run.errorKinds, "sockets that failed to open or closed while held");
        assertEquals(150, run.headline.get("sockets held"));
        assertTrue(run.headline.containsKey("chat heap KiB/socket"), "chat-service memory was read");
        assertEquals(List.of("127.0.0.1", "127.0.0.2"), run.details.get("sourceAddresses"));
    }
}
