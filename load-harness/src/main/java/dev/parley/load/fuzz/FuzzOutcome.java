package dev.parley.load.fuzz;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/** What a fuzz run did and found: the counts by answer, and every failure of a pass criterion. */
public record FuzzOutcome(long seed, int httpCases, int frameCases, Map<String, Long> statuses, Map<String, Long> frames,
        List<String> failures, boolean servicesHealthy, boolean storeValid, double seconds) {

    public int cases() {
        return httpCases + frameCases;
    }

    public long serverErrors() {
        return statuses.entrySet().stream().filter(e -> e.getKey().startsWith("5xx")).mapToLong(Map.Entry::getValue).sum();
    }

    public long rejected() {
        return statuses.entrySet().stream().filter(e -> e.getKey().startsWith("4xx")).mapToLong(Map.Entry::getValue).sum();
    }

    public long stuck() {
        return frames.getOrDefault("stuck", 0L);
    }

    public boolean passed() {
        return failures.isEmpty();
    }

    public void print(PrintStream out) {
        out.printf("fuzz: seed %d: %d cases in %.1f s (%d HTTP, %d WebSocket frames)%n", seed, cases(), seconds, httpCases,
                frameCases);
        out.printf("  HTTP answers: %s%n", statuses);
        out.printf("  frames: %s%n", frames);
        out.printf("  5xx: %d, rejected (4xx problem): %d, stuck sockets: %d, services healthy after: %s, store valid: %s%n",
                serverErrors(), rejected(), stuck(), servicesHealthy, storeValid);
        out.printf("  %s: %d failure(s)%n", passed() ? "PASSED" : "FAILED", failures.size());
        failures.stream().limit(30).forEach(f -> out.println("    " + f));
        if (!passed()) {
            out.printf("  replay with --seed %d%n", seed);
        }
    }
}
