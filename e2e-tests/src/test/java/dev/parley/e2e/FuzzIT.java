package dev.parley.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.parley.load.fuzz.FuzzOutcome;
import dev.parley.load.fuzz.Fuzzer;

/**
 * The CI sample of {@code ./bench fuzz}: the same generator and the same pass criteria (zero 5xx,
 * every 4xx a problem, no stuck socket, every service answering afterwards, only valid documents in
 * the store), on a fixed seed and on a fresh one whose value is printed so that a failure replays
 * with {@code ./bench fuzz --seed N}.
 */
class FuzzIT {

    private static final long FIXED_SEED = 20261201L;
    private static Parley parley;

    @BeforeAll
    static void startTheStack() throws Exception {
        parley = Parley.start("fuzz", 600, 1, null, null, Fuzzer.STACK_SETTINGS);
    }

    @AfterAll
    static void stopTheStack() throws Exception {
        if (parley != null) {
            parley.close();
        }
    }

    @Test
    void twoThousandCasesOnTheFixedSeedBreakNothing() throws Exception {
        assertPassed(fuzz(FIXED_SEED, 2_000));
    }

    @Test
    void aThousandCasesOnAFreshSeedBreakNothing() throws Exception {
        long seed = ThreadLocalRandom.current().nextLong(1L << 48);
        System.out.println("FuzzIT fresh seed: " + seed + " (replay: ./bench fuzz --cases 1000 --seed " + seed + ")");
        assertPassed(fuzz(seed, 1_000));
    }

    private static FuzzOutcome fuzz(long seed, int cases) throws Exception {
        URI gateway = URI.create(parley.stack.gatewayUrl());
        Map<String, URI> services = new LinkedHashMap<>();
        parley.stack.services().forEach(s -> services.put(s.name(), URI.create(s.url())));
        FuzzOutcome outcome = new Fuzzer(new Fuzzer.Options(gateway, services, parley.stack.storeUri(),
                Path.of("..").toAbsolutePath().normalize(), seed, cases, 4), parley.vertx, System.out).run();
        outcome.print(System.out);
        return outcome;
    }

    private static void assertPassed(FuzzOutcome outcome) {
        assertTrue(outcome.cases() >= 1_000, "cases run: " + outcome.cases());
        assertTrue(outcome.frameCases() > 0 && outcome.httpCases() > 0, "both HTTP requests and frames were fuzzed");
        assertTrue(outcome.rejected() > outcome.cases() / 4, "most broken requests are refused with a 4xx: " + outcome.statuses());
        assertEquals(0, outcome.serverErrors(), "5xx answers: " + outcome.failures());
        assertEquals(0, outcome.stuck(), "stuck sockets: " + outcome.failures());
        assertTrue(outcome.servicesHealthy(), "every service answers afterwards: " + outcome.failures());
        assertTrue(outcome.storeValid(), "only valid documents in the store: " + outcome.failures());
        assertTrue(outcome.passed(), "seed " + outcome.seed() + ": " + String.join("\n", outcome.failures()));
    }
}
