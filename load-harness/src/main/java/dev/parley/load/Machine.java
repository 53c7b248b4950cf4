package dev.parley.load;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the machine is, and what its processes use: read from /proc (Linux), and from the
 * service JVMs with jcmd (live heap after a full GC).
 */
final class Machine {

    private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");
    private static final long TICKS_PER_SECOND = 100; // USER_HZ on Linux

    private Machine() {
    }

    /** Cores, memory, CPU model, OS, this JVM and its heap settings, the load at the moment. */
    static Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("cpu", cpuModel());
        m.put("memoryMiB", meminfo("MemTotal") / 1024);
        m.put("memoryAvailableMiB", meminfo("MemAvailable") / 1024);
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        m.put("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        m.put("harnessJvmOptions", ManagementFactory.getRuntimeMXBean().getInputArguments());
        m.put("harnessMaxHeapMiB", Runtime.getRuntime().maxMemory() >> 20);
        m.put("loadAverage", loadAverage());
        m.put("openFilesLimit", openFilesLimit());
        m.put("localPortRange", read("/proc/sys/net/ipv4/ip_local_port_range").trim().replaceAll("\\s+", "-"));
        return m;
    }

    static String loadAverage() {
        String text = read("/proc/loadavg");
        String[] parts = text.trim().split("\\s+");
        return parts.length >= 3 ? parts[0] + " " + parts[1] + " " + parts[2] : "?";
    }

    static long openFilesLimit() {
        for (String line : read("/proc/self/limits").split("\n")) {
            if (line.startsWith("Max open files")) {
                String[] parts = line.substring("Max open files".length()).trim().split("\\s+");
                try {
                    return Long.parseLong(parts[0]);
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        return -1;
    }

    private static String cpuModel() {
        for (String line : read("/proc/cpuinfo").split("\n")) {
            if (line.startsWith("model name")) {
                return line.substring(line.indexOf(':') + 1).trim();
            }
        }
        return "?";
    }

    private static long meminfo(String key) {
        for (String line : read("/proc/meminfo").split("\n")) {
            if (line.startsWith(key + ":")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    /** Resident set size of a process, in KiB (VmRSS), or -1. */
    static long rssKiB(long pid) {
        for (String line : read("/proc/" + pid + "/status").split("\n")) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    /** Open file descriptors of a process (sockets included), or -1. */
    static long openFiles(long pid) {
        try (var files = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return files.count();
        } catch (IOException e) {
            return -1;
        }
    }

    /** Live heap of a JVM in KiB: a full GC first ({@code jcmd GC.run}), then {@code GC.heap_info}'s "used". */
    static long liveHeapKiB(long pid) {
        jcmd(pid, "GC.run");
        Matcher used = HEAP_USED.matcher(jcmd(pid, "GC.heap_info"));
        return used.find() ? Long.parseLong(used.group(1)) : -1;
    }

    /** The top of a JVM's class histogram (live objects), for finding what a connection costs. */
    static List<String> classHistogram(long pid, int lines) {
        List<String> top = new ArrayList<>();
        for (String line : jcmd(pid, "GC.class_histogram").split("\n")) {
            if (top.size() >= lines + 2) {
                break;
            }
            if (!line.isBlank()) {
                top.add(line.stripTrailing());
            }
        }
        return top;
    }

    /** Starts a JDK Flight Recording (profile settings) of a running JVM for a while, in the background. */
    static void recordFlight(long pid, Path file, long seconds) {
        Thread starter = new Thread(() -> jcmd(pid, "JFR.start name=bench settings=profile duration=" + seconds
                + "s filename=" + file.toAbsolutePath()), "jfr-start");
        starter.setDaemon(true);
        starter.start();
    }

    /** Live bytes by class (jcmd GC.class_histogram, which runs a full GC first). */
    static Map<String, Long> classBytes(long pid) {
        Map<String, Long> bytes = new LinkedHashMap<>();
        for (String line : jcmd(pid, "GC.class_histogram").split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 4 && f[0].endsWith(":")) {
                try {
                    bytes.merge(f[3], Long.parseLong(f[2]), Long::sum);
                } catch (NumberFormatException e) {
                    // the header or the total line
                }
            }
        }
        return bytes;
    }

    static String jcmd(long pid, String command) {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        try {
            List<String> cmd = new ArrayList<>(List.of(jcmd.toString(), Long.toString(pid)));
            cmd.addAll(List.of(command.split(" ")));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            return out;
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    /** CPU time a process (all its threads) has used, in ticks of 10 ms, or 0 when gone. */
    static long cpuTicks(long pid) {
        long[] t = cpuUserSystemTicks(pid);
        return t[0] + t[1];
    }

    /** User and kernel CPU ticks of a process (kernel time is mostly loopback TCP here). */
    static long[] cpuUserSystemTicks(long pid) {
        String stat = read("/proc/" + pid + "/stat");
        int close = stat.lastIndexOf(')');
        if (close < 0) {
            return new long[2];
        }
        String[] f = stat.substring(close + 2).split(" ");
        // after "pid (comm) ": state is field 3, utime 14, stime 15 -> indexes 11 and 12 here
        return new long[] { Long.parseLong(f[11]), Long.parseLong(f[12]) };
    }

    /** Busy ticks of the whole machine since boot (user, nice, system, irq, softirq, steal). */
    static long machineBusyTicks() {
        String first = read("/proc/stat").split("\n")[0];
        String[] f = first.trim().split("\\s+");
        long busy = 0;
        for (int i : new int[] { 1, 2, 3, 6, 7, 8 }) {
            busy += Long.parseLong(f[i]);
        }
        return busy;
    }

    /**
     * CPU used between two moments, by each of our processes and by everything else on the machine
     * (other people's builds): the measure of how much a run was disturbed.
     */
    static final class CpuMeter {
        private final Map<String, Long> pids;
        private final Map<String, Long> startTicks = new LinkedHashMap<>();
        private final Map<String, Long> startKernelTicks = new LinkedHashMap<>();
        private final long startBusy;
        private final long startNanos;

        private final long startStoreNanos;

        CpuMeter(Map<String, Long> pids) {
            this.pids = pids;
            pids.forEach((name, pid) -> {
                long[] t = cpuUserSystemTicks(pid);
                startTicks.put(name, t[0] + t[1]);
                startKernelTicks.put(name, t[1]);
            });
            this.startBusy = machineBusyTicks();
            this.startStoreNanos = storeThreadsCpuNanos();
            this.startNanos = System.nanoTime();
        }

        /**
         * CPU of the embedded store's threads (mongo-java-server's "mongo-server-*" event loops, H2's) when
         * it runs in this JVM: what of the harness process's CPU is the store's, not the load generator's.
         */
        private static long storeThreadsCpuNanos() {
            var threads = ManagementFactory.getThreadMXBean();
            long total = 0;
            for (var info : threads.getThreadInfo(threads.getAllThreadIds())) {
                String name = info == null ? "" : info.getThreadName();
                if (name.startsWith("mongo-server") || name.startsWith("H2") || name.startsWith("MVStore")) {
                    total += Math.max(0, threads.getThreadCpuTime(info.getThreadId()));
                }
            }
            return total;
        }

        /** Cores used on average, per process, plus "others" and "machine". */
        Map<String, Object> stop() {
            double seconds = (System.nanoTime() - startNanos) / 1e9;
            Map<String, Object> cores = new LinkedHashMap<>();
            long ours = 0;
            Map<String, Object> kernel = new LinkedHashMap<>();
            for (var entry : pids.entrySet()) {
                long[] t = cpuUserSystemTicks(entry.getValue());
                long used = t[0] + t[1] - startTicks.get(entry.getKey());
                ours += used;
                cores.put(entry.getKey(), round2(used / (double) TICKS_PER_SECOND / seconds));
                long sys = t[1] - startKernelTicks.get(entry.getKey());
                kernel.put(entry.getKey(), used == 0 ? 0 : Math.round(100.0 * sys / used));
            }
            cores.put("ours", round2(ours / (double) TICKS_PER_SECOND / seconds));
            if (pids.containsKey("harness+store")) {
                double store = (storeThreadsCpuNanos() - startStoreNanos) / 1e9 / seconds;
                cores.put("of which store", round2(store));
                cores.put("harness", round2(Math.max(0, (Double) cores.get("harness+store") - store)));
            }
            long busy = machineBusyTicks() - startBusy;
            cores.put("others", round2(Math.max(0, busy - ours) / (double) TICKS_PER_SECOND / seconds));
            cores.put("machine", round2(busy / (double) TICKS_PER_SECOND / seconds));
            cores.put("kernelPercent", kernel);
            return cores;
        }
    }

    static double round2(double v) {
        return Math.round(v * 1000) / 1000.0; // cores to a thousandth: CPU per message is derived from them
    }

    private static String read(String file) {
        // one big read from offset 0: /proc/sys files answer a byte-by-byte read with the first byte only
        try (var in = Files.newInputStream(Path.of(file))) {
            return new String(in.readNBytes(1 << 20));
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }
}
