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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;

/**
 * Parley on one machine: a file-backed MongoDB-compatible store (unless a MongoDB URI is given),
 * then every service as a child JVM of its own, started in dependency order and each awaited
 * until ready. Used by {@code ./run-local} and by the end-to-end tests, which also stop and start
 * single services.
 */
public final class Stack implements AutoCloseable {

    private static final int STORE_PORT = 27027;
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);

    /**
     * What to run. {@code mongoUri} null = the embedded store; Redis is used with several chat
     * replicas; {@code properties} are extra settings given to every service (for example the
     * gateway's rate limits for a test that signs in many users from one address); {@code jvmOptions}
     * are extra JVM options by module name ({@code chat-service}, {@code gateway}, ...), placed after
     * the defaults so that they win (a bigger heap, a flight recording for the load harness).
     */
    public record Options(Path root, Path data, int offset, String mongoUri, int chatReplicas, String redisUri,
            Map<String, String> properties, Map<String, List<String>> jvmOptions) {

        public Options(Path root, Path data, int offset, String mongoUri, int chatReplicas, String redisUri,
                Map<String, String> properties) {
            this(root, data, offset, mongoUri, chatReplicas, redisUri, properties, Map.of());
        }
    }

    /** Thrown when the stack cannot start; the message says why in words for a person. */
    public static class StartFailure extends RuntimeException {
        public StartFailure(String message) {
            super(message);
        }
    }

    private final Options options;
    private final Map<String, ServiceProcess> services = new LinkedHashMap<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private FileChannel lockFile;
    private MongoServer store;
    private H2Backend storeBackend;
    private String storeUri;

    private Stack(Options options) {
        this.options = options;
    }

    public static Stack start(Options options) throws IOException, InterruptedException {
        Stack stack = new Stack(options);
        try {
            stack.startAll();
            return stack;
        } catch (RuntimeException | IOException | InterruptedException e) {
            stack.close();
            throw e;
        }
    }

    public String gatewayUrl() {
        return services.get("gateway").url();
    }

    public String storeUri() {
        return storeUri;
    }

    public boolean embeddedStore() {
        return store != null;
    }

    public List<ServiceProcess> services() {
        return List.copyOf(services.values());
    }

    /** Stops one service (as a crash or a deploy would). */
    public void stop(String name) {
        services.get(name).stop();
    }

    /** Starts a stopped service again and waits until it is ready. */
    public void restart(String name) throws IOException, InterruptedException {
        ServiceProcess service = services.get(name);
        service.stop();
        service.start(options.root(), options.data().resolve("logs"), storeUri);
        awaitReady(service);
    }

    private void startAll() throws IOException, InterruptedException {
        Files.createDirectories(options.data().resolve("logs"));
        lockFile = FileChannel.open(options.data().resolve("stack-" + options.offset() + ".lock"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = lockFile.tryLock();
        if (lock == null) {
            throw new StartFailure("Parley is already running from " + options.data() + " with port offset "
                    + options.offset() + ". Stop it first (Ctrl-C in its terminal), or use another --port-offset.");
        }
        for (ServiceProcess service : plan()) {
            options.properties().forEach((key, value) -> service.addProperty("-D" + key + "=" + value));
            options.jvmOptions().getOrDefault(service.module(), List.of()).forEach(service::addJvmOption);
            requireFree(service.port(), service.name());
            services.put(service.name(), service);
        }
        // made here, before any replica starts, so that every chat-service replica reads the same key
        Secrets.ensureMessageKey(options.data().resolve("chat").resolve("message-key"));
        storeUri = options.mongoUri() != null && !options.mongoUri().isBlank() ? options.mongoUri() : startStore();
        for (ServiceProcess service : services.values()) {
            service.start(options.root(), options.data().resolve("logs"), storeUri);
            awaitReady(service);
        }
    }

    /**
     * Every process with its settings. Service secrets are fresh random values each run (auth-service
     * gets only their hashes); signing and message keys are generated once into the data directory.
     */
    private List<ServiceProcess> plan() {
        int offset = options.offset();
        int auth = 8081 + offset;
        int user = 8082 + offset;
        int gateway = 8080 + offset;
        Path data = options.data();
        String jwks = "-Dmp.jwt.verify.publickey.location=http://localhost:" + auth + "/auth/jwks";
        String authUrl = "-Dparley.service.auth-url=http://localhost:" + auth;
        String userSecret = Secrets.random();
        String chatSecret = Secrets.random();
        List<Integer> chatPorts = new ArrayList<>();
        for (int i = 0; i < options.chatReplicas(); i++) {
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
        for (int i = 0; i < options.chatReplicas(); i++) {
            List<String> chat = new ArrayList<>(List.of(jwks, authUrl,
                    "-Dparley.service.secret=" + chatSecret,
                    "-Dparley.chat.crypto.generate-if-missing=true",
                    "-Dparley.chat.crypto.generated-dir=" + data.resolve("chat"),
                    "-Dparley.chat.socket.allowed-origins=http://localhost:" + gateway + ",http://127.0.0.1:" + gateway,
                    "-Dquarkus.rest-client.user-service.url=http://localhost:" + user));
            if (options.chatReplicas() > 1) {
                chat.add("-Dparley.chat.redis.enabled=true");
                chat.add("-Dquarkus.redis.hosts=" + options.redisUri());
            }
            plan.add(new ServiceProcess(options.chatReplicas() > 1 ? "chat-service-" + (i + 1) : "chat-service",
                    "chat-service", chatPorts.get(i), chat));
        }
        StringBuilder chatUpstreams = new StringBuilder();
        chatPorts.forEach(p -> chatUpstreams.append(chatUpstreams.isEmpty() ? "" : ",").append("http://localhost:").append(p));
        plan.add(new ServiceProcess("gateway", "gateway", gateway, List.of(jwks,
                "-Dparley.gateway.upstreams.auth=http://localhost:" + auth,
                "-Dparley.gateway.upstreams.user=http://localhost:" + user,
                "-Dparley.gateway.upstreams.chat=" + chatUpstreams)));
        return plan;
    }

    private String startStore() throws IOException {
        int port = STORE_PORT + options.offset();
        requireFree(port, "the embedded store");
        Files.createDirectories(options.data().resolve("store"));
        storeBackend = new H2Backend(options.data().resolve("store").resolve("parley.mv").toString());
        store = new MongoServer(storeBackend);
        store.bind("127.0.0.1", port);
        return "mongodb://127.0.0.1:" + port;
    }

    private void awaitReady(ServiceProcess service) throws InterruptedException {
        Instant deadline = Instant.now().plus(READY_TIMEOUT);
        while (!isReady(service)) {
            if (!service.isAlive()) {
                throw new StartFailure(service.name() + " stopped while starting. Last lines of " + service.log()
                        + ":\n" + service.tail(30));
            }
            if (Instant.now().isAfter(deadline)) {
                throw new StartFailure(service.name() + " not ready after " + READY_TIMEOUT.toSeconds() + " s; see "
                        + service.log());
            }
            Thread.sleep(200); // polling a child process's readiness
        }
    }

    private boolean isReady(ServiceProcess service) {
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

    private static void requireFree(int port, String what) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", port));
        } catch (IOException e) {
            throw new StartFailure("Port " + port + " (for " + what + ") is in use by another program."
                    + " Stop it, or choose other ports with --port-offset N.");
        }
    }

    /** Stops every process (last started first), then the store. */
    @Override
    public void close() {
        List<ServiceProcess> all = new ArrayList<>(services.values());
        for (int i = all.size() - 1; i >= 0; i--) {
            all.get(i).stop();
        }
        if (store != null) {
            store.shutdown();
            storeBackend.close();
            store = null;
        }
        if (lockFile != null) {
            try {
                lockFile.close();
            } catch (IOException e) {
                // the lock goes with the process anyway
            }
        }
    }
}
