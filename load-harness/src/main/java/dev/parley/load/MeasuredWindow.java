package dev.parley.load;

import java.nio.file.Path;
import java.util.Map;

/**
 * A run's clock, ticking once a second from its start to its deadline, around the measured window
 * [from, to): the CPU every process of the stack used inside the window, JFR recordings of them over
 * it (when asked for), and a sample of the scenario's own each second.
 */
final class MeasuredWindow {

    /** What a scenario records each second; true when its run is over before the deadline. */
    interface Tick {
        boolean sample(int second);
    }

    private final Scenario.Context ctx;
    private final long from;
    private final long to;
    private final long profileFrom;
    /** Where the JFR recordings go; null = none. */
    private final Path profileDir;
    private final int runIndex;
    private Machine.CpuMeter cpu;
    private boolean profiling;
    private Map<String, Object> cpuInWindow;

    MeasuredWindow(Scenario.Context ctx, long from, long to, long warmupNanos, Path profileDir, int runIndex) {
        this.ctx = ctx;
        this.from = from;
        this.to = to;
        // half-way through the warm-up: attaching and starting JFR costs a second or two of CPU, which
        // would otherwise show up as a stall in the measured window
        this.profileFrom = from - warmupNanos / 2;
        this.profileDir = profileDir;
        this.runIndex = runIndex;
    }

    /** Ticks until {@code deadline} or until {@code tick} says the run is over. */
    void watch(long deadline, Tick tick) throws InterruptedException {
        int second = 0;
        while (System.nanoTime() < deadline) {
            Thread.sleep(1000);
            second++;
            long now = System.nanoTime();
            if (profileDir != null && !profiling && now >= profileFrom) {
                startProfiling(now);
            }
            if (cpu == null && now >= from) {
                cpu = new Machine.CpuMeter(ctx.target().pids);
            } else if (cpu != null && cpuInWindow == null && now >= to) {
                cpuInWindow = cpu.stop();
            }
            if (tick.sample(second)) {
                break;
            }
        }
    }

    private void startProfiling(long now) {
        profiling = true;
        long seconds = Math.max(1, (to - now) / 1_000_000_000L);
        ctx.target().pids.forEach((service, pid) -> Machine.recordFlight(pid,
                profileDir.resolve(service + "-run" + (runIndex + 1) + ".jfr"), seconds));
        ctx.out().printf("  recording with JFR into %s%n", profileDir);
    }

    /**
     * Cores each process used in the window (stopping the meter there when the run ended inside it);
     * null when the run ended before the window began.
     */
    Map<String, Object> stop() {
        if (cpuInWindow == null && cpu != null) {
            cpuInWindow = cpu.stop();
        }
        return cpuInWindow;
    }
}
