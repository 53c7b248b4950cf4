package dev.parley.load.fuzz;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import dev.parley.load.fuzz.FuzzCases.FrameCase;
import dev.parley.load.fuzz.FuzzCases.HttpCase;
import dev.parley.load.fuzz.OpenApiOperations.Operation;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/**
 * Throws {@link FuzzCases} at a running Parley and checks what it answers: no 5xx, every 4xx an
 * RFC 9457 problem, every frame answered (or the socket closed with a code that says why) within
 * {@link #DEADLINE}, every service still answering a normal request afterwards, and only valid
 * documents in the store ({@link StoreAudit}). Used by {@code ./bench fuzz} and by e2e-tests' FuzzIT.
 */
public final class Fuzzer {

    /** How long one request or frame may go unanswered before it counts as stuck. */
    public static final Duration DEADLINE = Duration.ofSeconds(10);

    /**
     * Settings for a stack under fuzz: its rate limits lifted (one machine sends everything; the
     * limits themselves are proven by AttackIT and each service's tests) and a cheap bcrypt cost.
     */
    public static final Map<String, String> STACK_SETTINGS = Map.of(
            "parley.gateway.rate-limit.sign-in-requests", "1000000", "parley.gateway.rate-limit.sign-in-burst", "1000000",
            "parley.gateway.rate-limit.user-requests", "1000000", "parley.gateway.rate-limit.user-burst", "1000000",
            "parley.chat.socket.frames-per-second", "100000", "parley.chat.socket.frame-burst", "100000",
            "parley.auth.bcrypt-cost", "4");

    /**
     * What to fuzz: the gateway and each service's own port (internal operations go there, as a
     * service without a credential would send them), the store, the repository (for the documents).
     */
    public record Options(URI gateway, Map<String, URI> services, String storeUri, Path root, long seed, int cases,
            int concurrency) {
    }

    private final Options options;
    private final Vertx vertx;
    private final PrintStream out;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, AtomicLong> statuses = Collections.synchronizedMap(new TreeMap<>());
    private final Map<String, AtomicLong> frameOutcomes = Collections.synchronizedMap(new TreeMap<>());
    private final List<String> failures = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger httpCases = new AtomicInteger();
    private final AtomicInteger frameCases = new AtomicInteger();

    public Fuzzer(Options options, Vertx vertx, PrintStream out) {
        this.options = options;
        this.vertx = vertx;
        this.out = out;
    }

    public FuzzOutcome run() throws Exception {
        List<Operation> operations = OpenApiOperations.load(options.root());
        FuzzFixture setup = new FuzzFixture(http, options.gateway());
        FuzzCases.Fixture fixture = setup.create(3);
        out.printf("fuzz: seed %d, %d cases, %d operations from the committed openapi.yaml files, %d workers%n",
                options.seed(), options.cases(), operations.size(), options.concurrency());
        long started = System.nanoTime();
        // one generator per worker, each seeded from the run's seed: the same seed replays the same cases
        ExecutorService workers = Executors.newFixedThreadPool(options.concurrency());
        List<Future<?>> running = new ArrayList<>();
        AtomicInteger left = new AtomicInteger(options.cases());
        for (int w = 0; w < options.concurrency(); w++) {
            FuzzCases cases = new FuzzCases(options.seed() * 31 + w, operations, fixture);
            String token = fixture.tokens().get(w % fixture.tokens().size());
            running.add(workers.submit(() -> {
                try (FuzzSocket socket = new FuzzSocket(vertx, options.gateway(), token, DEADLINE)) {
                    int n;
                    while ((n = left.getAndDecrement()) > 0) {
                        if (n % Math.max(1, options.cases() / 10) == 0 && n != options.cases()) {
                            out.printf("  %d cases left, %d failure(s) so far%n", n, failures.size());
                        }
                        if (cases.nextIsFrame()) {
                            FrameCase c = cases.nextFrame();
                            try {
                                frame(socket, c);
                            } catch (Exception e) {
                                failures.add("socket failed on " + c.what() + ": " + e);
                            }
                        } else {
                            HttpCase c = cases.nextHttp();
                            try {
                                request(c);
                            } catch (RuntimeException e) {
                                failures.add("could not send " + c.what() + ": " + e);
                            }
                        }
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : running) {
            f.get();
        }
        workers.shutdown();
        double seconds = (System.nanoTime() - started) / 1e9;
        List<String> unhealthy = setup.healthCheck(options.services());
        unhealthy.forEach(u -> failures.add("after the fuzz: " + u));
        List<String> invalid = StoreAudit.invalidDocuments(options.storeUri());
        invalid.forEach(d -> failures.add("store: " + d));
        return new FuzzOutcome(options.seed(), httpCases.get(), frameCases.get(), snapshot(statuses), snapshot(frameOutcomes),
                List.copyOf(failures), unhealthy.isEmpty(), invalid.isEmpty(), seconds);
    }

    private void request(HttpCase c) {
        httpCases.incrementAndGet();
        URI base = "gateway".equals(c.target()) ? options.gateway() : options.services().get(c.target());
        HttpRequest.Builder request;
        try {
            request = HttpRequest.newBuilder(URI.create(base + c.pathAndQuery())).timeout(DEADLINE);
        } catch (IllegalArgumentException e) {
            count(statuses, "unsendable (client refused the URI)");
            return;
        }
        HttpRequest.BodyPublisher body = c.body() == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(c.body());
        request.method(c.method(), body);
        if (c.contentType() != null) {
            request.header("Content-Type", c.contentType());
        }
        if (c.token() != null && !c.token().isEmpty()) {
            request.header("Authorization", "Bearer " + c.token());
        }
        HttpRequest built = request.build();
        HttpResponse<String> response;
        try {
            response = http.send(built, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException stale) {
            // HTTP/1.1 lets a server close a kept-alive connection after any answer (RFC 9112 9.5), and the
            // JDK client retries only idempotent requests on one: a case that met a closed pooled connection is
            // sent once more on a fresh one. Only a request that gets no answer there either is a failure.
            count(statuses, "resent on a fresh connection");
            try {
                response = fresh().send(built, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            } catch (IOException e) {
                if (oversizedAtService(c)) {
                    count(statuses, "known gap: connection reset for a body over a service's own limit");
                    return;
                }
                count(statuses, "no answer");
                failures.add("no answer for " + c.method() + " " + abbreviate(c.pathAndQuery()) + " (" + c.what() + "): " + e);
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        int status = response.statusCode();
        count(statuses, status / 100 + "xx " + status);
        if (status >= 500) {
            failures.add(status + " for " + c.method() + " " + abbreviate(c.pathAndQuery()) + " (" + c.what() + "): "
                    + abbreviate(response.body()));
        } else if (status >= 400 && !"HEAD".equals(c.method()) && !isProblem(response) && knownGap(c, status)) {
            count(statuses, "known gap: " + status + " without a problem body" + ("gateway".equals(c.target()) ? "" : " at a service"));
        } else if (status >= 400 && !"HEAD".equals(c.method()) && !isProblem(response)) {
            failures.add(status + " without a problem body for " + c.method() + " " + abbreviate(c.pathAndQuery()) + " ("
                    + c.what() + "): " + response.headers().firstValue("content-type").orElse("no content type") + " "
                    + abbreviate(response.body()));
        }
    }

    /**
     * A body over a service's own limit ({@code quarkus.http.limits.max-body-size}: 16K for auth and user,
     * 64K for chat) sent to the service directly: it answers a bare 413 and closes at once, and a client
     * still writing the body may get a reset instead of the answer (a known gap with the bare 413; the
     * gateway, the clients' door, answers these with a problem).
     */
    private static boolean oversizedAtService(HttpCase c) {
        int limit = "chat-service".equals(c.target()) ? 64 * 1024 : 16 * 1024;
        return !"gateway".equals(c.target()) && c.body() != null && c.body().length > limit;
    }

    private static HttpClient fresh() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    }

    private void frame(FuzzSocket socket, FrameCase c) throws Exception {
        frameCases.incrementAndGet();
        FuzzSocket.Answer answer = socket.exchange(c);
        count(frameOutcomes, answer.summary());
        if (answer.stuck()) {
            failures.add("stuck socket: no answer within " + DEADLINE.toSeconds() + " s to " + c.what());
        } else if (answer.closeCode() != null && !FuzzSocket.EXPECTED_CLOSES.contains(answer.closeCode())) {
            failures.add("socket closed " + answer.closeCode() + " " + answer.closeReason() + " after " + c.what());
        } else if ("internal_error".equals(answer.errorCode())) {
            failures.add("internal_error for " + c.what());
        } else if (c.oversized() && !Integer.valueOf(1009).equals(answer.closeCode())) {
            failures.add("a frame over 64 KiB was not closed with 1009: " + answer.summary());
        }
    }

    /**
     * Refusals documented as known gaps in docs/security.md ("The attack suite and the fuzzer"): a
     * 414 for a request line over 4 KiB comes from the HTTP codec before any route, and a body over
     * a service's own limit sent to the service directly (not through the gateway, which answers
     * those with a problem) gets a bare 413. Both are refusals, just without the problem body.
     */
    private static boolean knownGap(HttpCase c, int status) {
        return status == 414 || (status == 413 && !"gateway".equals(c.target()));
    }

    private static boolean isProblem(HttpResponse<String> response) {
        if (!response.headers().firstValue("content-type").orElse("").startsWith("application/problem+json")) {
            return false;
        }
        try {
            JsonObject problem = new JsonObject(response.body());
            return problem.getValue("status") instanceof Number && problem.getString("code") != null;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static void count(Map<String, AtomicLong> counts, String key) {
        counts.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
    }

    private static Map<String, Long> snapshot(Map<String, AtomicLong> counts) {
        synchronized (counts) {
            Map<String, Long> copy = new TreeMap<>();
            counts.forEach((k, v) -> copy.put(k, v.get()));
            return copy;
        }
    }

    static String abbreviate(String s) {
        if (s == null) {
            return "null";
        }
        return s.length() > 160 ? s.substring(0, 160) + "...(" + s.length() + " chars)" : s;
    }
}
