package dev.parley.localstack;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * {@code ./run-local}: starts the {@link Stack}, says where everything is, and stops it all on
 * Ctrl-C. Options (flags or environment): {@code --mongo-uri URI} / {@code PARLEY_MONGO_URI},
 * {@code --port-offset N} / {@code PARLEY_PORT_OFFSET}, {@code --chat-replicas N} /
 * {@code PARLEY_CHAT_REPLICAS} with {@code --redis-uri URI} / {@code PARLEY_REDIS_URI},
 * {@code --data-dir DIR} / {@code PARLEY_DATA_DIR} (default {@code .data} in the repository).
 *
 * <p>This is a command a person runs: what it prints on stdout/stderr is its user interface (and
 * LauncherIT reads it), not logging; the services and the store log to files under {@code logs/}.
 */
public final class LocalStack {

    private LocalStack() {
    }

    public static void main(String[] args) throws Exception {
        Path root = findRoot();
        Path data = Path.of(System.getenv().getOrDefault("PARLEY_DATA_DIR", root.resolve(".data").toString()));
        for (int i = 0; i + 1 < args.length; i++) {
            if ("--data-dir".equals(args[i])) {
                data = Path.of(args[i + 1]).toAbsolutePath();
            }
        }
        // the embedded store logs every connection: keep that in its own file, not on the console
        Files.createDirectories(data.resolve("logs"));
        System.setProperty("org.slf4j.simpleLogger.logFile", data.resolve("logs").resolve("store.log").toString());
        System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");

        String mongoUri = System.getenv("PARLEY_MONGO_URI");
        int offset = Integer.parseInt(System.getenv().getOrDefault("PARLEY_PORT_OFFSET", "0"));
        int chatReplicas = Integer.parseInt(System.getenv().getOrDefault("PARLEY_CHAT_REPLICAS", "1"));
        String redisUri = System.getenv().getOrDefault("PARLEY_REDIS_URI", "redis://localhost:6379");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--mongo-uri" -> mongoUri = args[++i];
                case "--port-offset" -> offset = Integer.parseInt(args[++i]);
                case "--chat-replicas" -> chatReplicas = Integer.parseInt(args[++i]);
                case "--redis-uri" -> redisUri = args[++i];
                case "--data-dir" -> i++; // read above, before anything logs
                default -> usage("Unknown option " + args[i]);
            }
        }
        if (chatReplicas < 1 || chatReplicas > 9) {
            usage("--chat-replicas must be 1..9");
        }
        Stack stack;
        try {
            System.out.println("Starting Parley (store, auth, user, chat, gateway) ...");
            stack = Stack.start(new Stack.Options(root, data, offset, mongoUri, chatReplicas, redisUri, java.util.Map.of()));
        } catch (Stack.StartFailure e) {
            System.err.println(e.getMessage());
            System.exit(3);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stack.close();
            System.out.println("Parley stopped.");
        }, "parley-stop"));
        System.out.println();
        System.out.println("Parley is running at " + stack.gatewayUrl() + "  (Ctrl-C stops it)");
        for (ServiceProcess service : stack.services()) {
            System.out.printf("  %-15s %s%n", service.name(), service.url());
        }
        System.out.printf("  %-15s %s%s%n", "store", stack.storeUri(),
                stack.embeddedStore() ? "  (embedded, data in " + data.resolve("store") + ")" : "");
        System.out.printf("  %-15s %s%n", "logs", data.resolve("logs"));
        new CountDownLatch(1).await();
    }

    private static void usage(String problem) {
        System.err.println(problem + "\nUsage: run-local [--build] [--mongo-uri URI] [--port-offset N]"
                + " [--chat-replicas N [--redis-uri URI]] [--data-dir DIR]");
        System.exit(2);
    }

    private static Path findRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("local-stack").resolve("pom.xml"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            System.err.println("Run this from inside the Parley repository.");
            System.exit(2);
        }
        return dir;
    }
}
