package dev.parley.localstack;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;

/**
 * Runs Parley on one machine: a file-backed MongoDB-compatible store (unless a real MongoDB URI is
 * given) and every service as a child process of its own, then waits until each reports ready.
 * Ctrl-C stops everything it started. A second copy refuses to start while one is running.
 *
 * <p>Options (flags or environment): {@code --mongo-uri URI} / {@code PARLEY_MONGO_URI},
 * {@code --port-offset N} / {@code PARLEY_PORT_OFFSET}, {@code --chat-replicas N} /
 * {@code PARLEY_CHAT_REPLICAS} with {@code --redis-uri URI} / {@code PARLEY_REDIS_URI}.
 */
public final class LocalStack {

    private static final int STORE_PORT = 27027;
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);

    private final Path root;
    private final Path data;
    private final int offset;
    private final String mongoUri;
    private final int chatReplicas;
    private final String redisUri;
    private final List<ServiceProcess> started = new ArrayList<>();
    private MongoServer store;
    private H2Backend storeBackend;

    private LocalStack(Path root, int offset, String mongoUri, int chatReplicas, String redisUri) {
        this.root = root;
        this.data = root.resolve(".data");
        this.offset = offset;
        this.mongoUri = mongoUri;
        this.chatReplicas = chatReplicas;
        this.redisUri = redisUri;
    }

    public static void main(String[] args) throws Exception {
        // the embedded store logs every connection: keep that in its own file, not on the console
        Path logs = findRoot().resolve(".data").resolve("logs");
        Files.createDirectories(logs);
        System.setProperty("org.slf4j.simpleLogger.logFile", logs.resolve("store.log").toString());
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
                default -> {
                    System.err.println("Unknown option " + args[i] + "\nUsage: run-local [--mongo-uri URI] [--port-offset N]"
                            + " [--chat-replicas N [--redis-uri URI]]");
                    System.exit(2);
                }
            }
        }
        if (chatReplicas < 1 || chatReplicas > 9) {
            System.err.println("--chat-replicas must be 1..9");
            System.exit(2);
        }
        new LocalStack(findRoot(), offset, mongoUri, chatReplicas, redisUri).run();
    }

    private void run() throws Exception {
        Files.createDirectories(data.resolve("logs"));
        try (FileChannel lockFile = FileChannel.open(data.resolve("stack-" + offset + ".lock"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            FileLock lock = lockFile.tryLock();
            if (lock == null) {
                System.err.println("Parley is already running from " + root + " with port offset " + offset
                        + ". Stop it first (Ctrl-C in its terminal), or run this one with --port-offset 100.");
                System.exit(3);
            }
            List<ServiceProcess> services = plan();
            requireFreePorts(services);
            Runtime.getRuntime().addShutdownHook(new Thread(this::stopAll, "parley-stop"));
            String uri = mongoUri != null && !mongoUri.isBlank() ? mongoUri : startStore();
            for (ServiceProcess service : services) {
                service.start(root, data.resolve("logs"), uri);
                started.add(service);
            }
            awaitReady(services);
            printSummary(services, uri);
            new CountDownLatch(1).await(); // until Ctrl-C; the shutdown hook stops everything
        }
    }

    /**
     * Every process with its settings. Service secrets are fresh random values each run (auth-service
     * gets only their hashes); signing and message keys are generated once into .data/.
     */
    private List<ServiceProcess> plan() {
        int auth = 8081 + offset;
        int user = 8082 + offset;
        int gateway = 8080 + offset;
        String jwks = "-Dmp.jwt.verify.publickey.location=http://localhost:" + auth + "/auth/jwks";
        String authUrl = "-Dparley.service.auth-url=http://localhost:" + auth;
        String userSecret = Secrets.random();
        String chatSecret = Secrets.random();
        List<Integer> chatPorts = new ArrayList<>();
        for (int i = 0; i < chatReplicas; i++) {
            chatPorts.add(8083 + offset + 10 * i);
        }
        List<ServiceProcess> plan = new ArrayList<>();
        plan.add(new ServiceProcess("auth-service", "auth-service", auth, List.of(
                "-Dparley.auth.signing-keys.generate-if-missing=true",
                "-Dparley.auth.signing-keys.generated-dir=" + data.resolve("auth"),
                "-Dparley.auth.service-clients.user-service.secret-sha256=" + Secrets.sha256(userSecret),
                "-Dparley.auth.service-clients.chat-service.secret-sha256=" + Secrets.sha256(chatSecret),
                "-Dquarkus.rest-client.user-service.url=http://localhost:" + user)));
        plan.add(new ServiceProcess("user-service", "user-service", user, List.of(jwks, authUrl,
                "-Dparley.service.secret=" + userSecret,
                "-Dquarkus.rest-client.chat-service.url=http://localhost:" + chatPorts.get(0))));
        for (int i = 0; i < chatReplicas; i++) {
            List<String> chat = new ArrayList<>(List.of(jwks, authUrl,
                    "-Dparley.service.secret=" + chatSecret,
                    "-Dparley.chat.crypto.generate-if-missing=true",
                    "-Dparley.chat.crypto.generated-dir=" + data.resolve("chat"),
                    "-Dparley.chat.socket.allowed-origins=http://localhost:" + gateway,
                    "-Dquarkus.rest-client.user-service.url=http://localhost:" + user));
            if (chatReplicas > 1) {
                chat.add("-Dparley.chat.redis.enabled=true");
                chat.add("-Dquarkus.redis.hosts=" + redisUri);
            }
            plan.add(new ServiceProcess(chatReplicas > 1 ? "chat-service-" + (i + 1) : "chat-service", "chat-service",
                    chatPorts.get(i), chat));
        }
        return plan;
    }

    private String startStore() throws IOException {
        int port = STORE_PORT + offset;
        requireFree(port, "the embedded store");
        Files.createDirectories(data.resolve("store"));
        storeBackend = new H2Backend(data.resolve("store").resolve("parley.mv").toString());
        store = new MongoServer(storeBackend);
        store.bind("127.0.0.1", port);
        return "mongodb://127.0.0.1:" + port;
    }

    private void awaitReady(List<ServiceProcess> services) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        Instant deadline = Instant.now().plus(READY_TIMEOUT);
        for (ServiceProcess service : services) {
            System.out.print("Waiting for " + service.name() + " ... ");
            while (!isReady(http, service)) {
                if (!service.isAlive()) {
                    System.out.println("it stopped. Last lines of " + service.log() + ":");
                    service.printTail(30);
                    System.exit(1);
                }
                if (Instant.now().isAfter(deadline)) {
                    System.out.println("not ready after " + READY_TIMEOUT.toSeconds() + " s; see " + service.log());
                    System.exit(1);
                }
                Thread.sleep(250); // polling a child process's readiness, not a test
            }
            System.out.println("ready");
        }
    }

    private static boolean isReady(HttpClient http, ServiceProcess service) {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(service.url() + "/q/health/ready"))
                    .timeout(Duration.ofSeconds(2)).build();
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void printSummary(List<ServiceProcess> services, String uri) {
        System.out.println();
        System.out.println("Parley is running. Ctrl-C stops it.");
        for (ServiceProcess service : services) {
            System.out.printf("  %-13s %s%n", service.name(), service.url());
        }
        System.out.printf("  %-13s %s%s%n", "store", uri, store != null ? "  (embedded, data in " + data.resolve("store") + ")" : "");
        System.out.println("  logs          " + data.resolve("logs"));
    }

    private void stopAll() {
        for (int i = started.size() - 1; i >= 0; i--) {
            started.get(i).stop();
        }
        if (store != null) {
            store.shutdown();
            storeBackend.close();
        }
        System.out.println("Parley stopped.");
    }

    private void requireFreePorts(List<ServiceProcess> services) {
        for (ServiceProcess service : services) {
            requireFree(service.port(), service.name());
        }
    }

    private static void requireFree(int port, String what) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", port));
        } catch (IOException e) {
            System.err.println("Port " + port + " (for " + what + ") is in use by another program."
                    + " Stop it, or choose other ports with --port-offset N.");
            System.exit(3);
        }
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
