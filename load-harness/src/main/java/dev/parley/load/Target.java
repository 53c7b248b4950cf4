package dev.parley.load;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import dev.parley.localstack.ServiceProcess;
import dev.parley.localstack.Stack;

/**
 * The Parley under test: a stack this harness starts itself ({@link Stack}, on a port offset of
 * its own, so a command needs nothing else running), or one already running ({@code --gateway URL}).
 */
final class Target implements AutoCloseable {

    final URI gateway;
    /** chat-service directly (seeding history, sockets that bypass the gateway). */
    final URI chat;
    /** Process ids by service name, when known (for memory and CPU figures). */
    final Map<String, Long> pids = new LinkedHashMap<>();
    /** How the stack was started: who started it, its data directory, the settings given to it. */
    final Map<String, Object> description = new LinkedHashMap<>();
    /** Where a scenario may keep state between commands (the history seed): the stack's data, or the results. */
    Path workDir;
    private final Stack stack;
    private MongoServer memoryStore;

    private Target(URI gateway, URI chat, Stack stack) {
        this.gateway = gateway;
        this.chat = chat;
        this.stack = stack;
    }

    /**
     * Starts the whole packaged stack (store in this JVM, each service a JVM of its own). Rate limits
     * of the gateway are lifted (all load comes from one machine); {@code bcryptCost} null keeps
     * auth-service's configured cost.
     */
    static Target start(Path root, Path data, boolean keepData, int offset, Integer bcryptCost,
            Map<String, String> extraProperties, Map<String, List<String>> jvmOptions) throws IOException, InterruptedException {
        return start(root, data, keepData, offset, bcryptCost, extraProperties, jvmOptions, false);
    }

    /**
     * @param memoryStore the embedded store's in-memory backend (started here, in this JVM) instead
     *        of the launcher's file-backed one: what the tests use, and what CONVENTIONS.md measured
     */
    static Target start(Path root, Path data, boolean keepData, int offset, Integer bcryptCost,
            Map<String, String> extraProperties, Map<String, List<String>> jvmOptions, boolean memoryStore)
            throws IOException, InterruptedException {
        if (!keepData) {
            deleteTree(data);
        }
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("parley.gateway.rate-limit.sign-in-requests", "1000000");
        properties.put("parley.gateway.rate-limit.sign-in-burst", "1000000");
        properties.put("parley.gateway.rate-limit.register-requests", "1000000");
        properties.put("parley.gateway.rate-limit.register-burst", "1000000");
        properties.put("parley.gateway.rate-limit.refresh-requests", "1000000");
        properties.put("parley.gateway.rate-limit.refresh-burst", "1000000");
        properties.put("parley.gateway.rate-limit.user-requests", "1000000");
        properties.put("parley.gateway.rate-limit.user-burst", "1000000");
        // history pages split into the store's time and chat-service's own (off by default: review L11)
        properties.put("parley.chat.server-timing", "true");
        if (bcryptCost != null) {
            properties.put("parley.auth.bcrypt-cost", bcryptCost.toString());
        }
        properties.putAll(extraProperties);
        MongoServer memory = null;
        String mongoUri = null;
        if (memoryStore) {
            memory = new MongoServer(new MemoryBackend());
            memory.bind("127.0.0.1", 27027 + offset);
            mongoUri = "mongodb://127.0.0.1:" + (27027 + offset);
        }
        Stack stack;
        try {
            stack = Stack.start(new Stack.Options(root, data, offset, mongoUri, 1, null, properties, jvmOptions));
        } catch (IOException | InterruptedException | RuntimeException e) {
            if (memory != null) {
                memory.shutdownNow();
            }
            throw e;
        }
        URI gateway = URI.create(stack.gatewayUrl());
        URI chat = URI.create("http://localhost:" + (8083 + offset));
        Target target = new Target(gateway, chat, stack);
        target.memoryStore = memory;
        for (ServiceProcess service : stack.services()) {
            target.pids.put(service.name(), service.pid());
        }
        target.pids.put("harness+store", ProcessHandle.current().pid());
        target.workDir = data;
        target.description.put("startedBy", "harness");
        target.description.put("store", memoryStore ? "embedded mongo-java-server, memory backend, in the harness JVM"
                : "embedded mongo-java-server, file-backed H2 backend (as ./run-local), in the harness JVM");
        target.description.put("data", data.toString());
        target.description.put("servicesFrom", root.toString());
        Map<String, Object> built = new LinkedHashMap<>();
        for (String module : List.of("auth-service", "user-service", "chat-service", "gateway")) {
            built.put(module, builtAt(root.resolve(module).resolve("target/quarkus-app/app")));
        }
        target.description.put("servicesBuiltAt", built);
        target.description.put("portOffset", offset);
        target.description.put("properties", properties);
        target.description.put("extraJvmOptions", jvmOptions);
        target.describeServices();
        return target;
    }

    /** A stack started elsewhere (./run-local): found by its ports; pids from /proc when on this machine. */
    static Target running(URI gateway, URI chat) {
        Target target = new Target(gateway, chat, null);
        target.pids.put("harness", ProcessHandle.current().pid());
        findPid(gateway.getPort()).ifPresent(pid -> target.pids.put("gateway", pid));
        findPid(chat.getPort()).ifPresent(pid -> target.pids.put("chat-service", pid));
        target.description.put("startedBy", "someone else (--gateway)");
        target.describeServices();
        return target;
    }

    URI ws() {
        return URI.create(gateway.toString().replace("http://", "ws://") + "/ws");
    }

    long pid(String service) {
        return pids.getOrDefault(service, -1L);
    }

    private void describeServices() {
        Map<String, Object> services = new LinkedHashMap<>();
        pids.forEach((name, pid) -> {
            List<String> jvm = new ArrayList<>();
            for (String arg : commandLine(pid)) {
                if (arg.startsWith("-X") || arg.startsWith("-XX")) {
                    jvm.add(arg);
                }
            }
            services.put(name, Map.of("pid", pid, "jvmOptions", jvm));
        });
        description.put("services", services);
    }

    private static List<String> commandLine(long pid) {
        try {
            String raw = Files.readString(Path.of("/proc", Long.toString(pid), "cmdline"), StandardCharsets.UTF_8);
            return List.of(raw.split("\0"));
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    /** The Quarkus service JVM listening on this port (its command line says -Dquarkus.http.port=PORT). */
    private static Optional<Long> findPid(int port) {
        return ProcessHandle.allProcesses()
                .filter(p -> {
                    List<String> cmd = commandLine(p.pid());
                    return cmd.contains("-Dquarkus.http.port=" + port) && cmd.stream().anyMatch(a -> a.endsWith("quarkus-run.jar"));
                })
                .map(ProcessHandle::pid).findFirst();
    }

    /** When the newest file of a packaged application was written: which build was measured. */
    private static String builtAt(Path dir) {
        try (var files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).map(f -> {
                try {
                    return Files.getLastModifiedTime(f).toInstant();
                } catch (IOException e) {
                    return Instant.EPOCH;
                }
            }).max(Instant::compareTo).map(Object::toString).orElse("?");
        } catch (IOException e) {
            return "?";
        }
    }

    static Path findRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("local-stack").resolve("pom.xml"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("Run this from inside the Parley repository");
        }
        return dir;
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    @Override
    public void close() {
        if (stack != null) {
            stack.close();
        }
        if (memoryStore != null) {
            memoryStore.shutdownNow();
        }
    }
}
