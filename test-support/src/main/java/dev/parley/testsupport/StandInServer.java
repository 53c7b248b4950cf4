package dev.parley.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.LevelResolver;
import com.atlassian.oai.validator.report.SimpleValidationReportFormat;
import com.atlassian.oai.validator.report.ValidationReport;
import com.atlassian.oai.validator.schema.SchemaValidator;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A real HTTP server standing in for another Parley service: it records every request and answers
 * with what the test told it to (by path prefix; 204 by default). Subclasses say which
 * configuration keys point the service under test at it, and which providers' committed contracts
 * it stands in for. Every request it receives and every answer it gives is checked against the
 * contract that has the request's path, so a consumer's tests go red when it and its provider
 * disagree; a breach is answered with 500 and the report, and fails the test at the next
 * {@link Handle#next()} or {@link Handle#reset()}. Tests receive the {@link Handle}.
 */
public abstract class StandInServer implements QuarkusTestResourceLifecycleManager {

    /** One request as the stood-in service would see it. */
    public record Received(String method, String path, String authorization, String body) {
    }

    private record Answer(int status, String json) {
    }

    /** What a test sees and steers. */
    public static final class Handle {
        private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
        private final Map<String, Answer> answers = new ConcurrentHashMap<>();
        private final Queue<String> violations = new ConcurrentLinkedQueue<>();

        /** The next request (in arrival order), waiting up to 10 s; null if none came. Fails on a contract breach. */
        public Received next() throws InterruptedException {
            Received r = received.poll(10, TimeUnit.SECONDS);
            assertNoViolations();
            return r;
        }

        /** The next request whose path starts with the prefix, discarding others; null if none within 10 s. */
        public Received next(String pathPrefix) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (true) {
                Received r = received.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (r == null || r.path().startsWith(pathPrefix)) {
                    assertNoViolations();
                    return r;
                }
            }
        }

        /** Requests under this path prefix get this status and JSON body (null for none). */
        public void answer(String pathPrefix, int status, String json) {
            answers.put(pathPrefix, new Answer(status, json));
        }

        /** Forgets requests and answers; fails first if the last test left a contract breach unread. */
        public void reset() {
            answers.clear();
            forgetRequests();
        }

        /**
         * Forgets requests and every answer but this one, which is in place throughout: a request
         * still on its way from the previous test (a late report, say) meets the answer it needs,
         * not the default 204, which the provider's contract may not allow.
         */
        public void resetTo(String pathPrefix, int status, String json) {
            answers.put(pathPrefix, new Answer(status, json));
            answers.keySet().removeIf(prefix -> !prefix.equals(pathPrefix));
            forgetRequests();
        }

        private void forgetRequests() {
            received.clear();
            List<String> left = takeViolations();
            if (!left.isEmpty()) {
                throw new AssertionError(describe(left));
            }
        }

        /** The contract breaches seen since the last call, oldest first; a test that provokes one reads it here. */
        public List<String> takeViolations() {
            List<String> taken = new ArrayList<>();
            for (String v = violations.poll(); v != null; v = violations.poll()) {
                taken.add(v);
            }
            return taken;
        }

        /** Fails with every breach's report when a request or an answer broke the provider's contract. */
        public void assertNoViolations() {
            List<String> seen = takeViolations();
            if (!seen.isEmpty()) {
                throw new AssertionError(describe(seen));
            }
        }

        private static String describe(List<String> breaches) {
            return "The stand-in saw " + breaches.size() + " breach(es) of the provider's contract:\n"
                    + String.join("\n", breaches);
        }

        private Answer answerFor(String path) {
            return answers.entrySet().stream().filter(e -> path.startsWith(e.getKey()))
                    .max((a, b) -> Integer.compare(a.getKey().length(), b.getKey().length()))
                    .map(Map.Entry::getValue).orElse(new Answer(204, null));
        }
    }

    /** One provider's committed contract, strict about fields it does not declare. */
    private record Contract(Path file, OpenApiInteractionValidator validator) {

        static Contract of(Path file) {
            if (!Files.isRegularFile(file)) {
                throw new IllegalStateException("No provider contract at " + file.toAbsolutePath());
            }
            // A provider ignores fields it does not know, so a consumer could send a misspelt or removed
            // field for ever without noticing: here every object schema is closed (additionalProperties false)
            return new Contract(file, OpenApiInteractionValidator.createForSpecificationUrl(file.toAbsolutePath().toUri().toString())
                    .withLevelResolver(LevelResolver.create()
                            .withLevel(SchemaValidator.ADDITIONAL_PROPERTIES_KEY, ValidationReport.Level.ERROR)
                            .build())
                    .build());
        }

        boolean owns(ValidationReport requestReport) {
            return requestReport.getMessages().stream().noneMatch(m -> m.getKey().equals("validation.request.path.missing"));
        }
    }

    private HttpServer server;
    private final Handle handle = new Handle();
    private List<Contract> contracts;

    /** The configuration that points the service under test at {@code baseUrl}. */
    protected abstract Map<String, String> configFor(String baseUrl);

    /**
     * The committed contracts of the providers this stand-in answers for, relative to the
     * consumer module (the tests' working directory), e.g. {@code ../user-service/openapi.yaml};
     * each request is checked against the one that declares its path.
     */
    protected abstract List<Path> contracts();

    @Override
    public Map<String, String> start() {
        contracts = contracts().stream().map(Contract::of).toList();
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::serve);
        server.start();
        return configFor("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private void serve(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String path = exchange.getRequestURI().getPath();
        handle.received.add(new Received(exchange.getRequestMethod(), path,
                exchange.getRequestHeaders().getFirst("Authorization"), body));
        Answer answer = handle.answerFor(path);
        String breach = check(exchange, body, answer);
        if (breach != null) {
            handle.violations.add(breach);
            send(exchange, 500, "text/plain; charset=utf-8", breach);
        } else {
            send(exchange, answer.status(), "application/json", answer.json());
        }
        exchange.close();
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        if (body == null) {
            exchange.sendResponseHeaders(status, -1);
        } else {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", type);
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
        }
    }

    /** The report of what broke the contract (the request, or the answer the test chose), or null. */
    private String check(HttpExchange exchange, String body, Answer answer) {
        Request request = asRequest(exchange, body);
        String line = request.getMethod() + " " + request.getPath();
        for (Contract contract : contracts) {
            ValidationReport requestReport = contract.validator().validateRequest(request);
            if (!contract.owns(requestReport)) {
                continue;
            }
            if (requestReport.hasErrors()) {
                return line + " breaks " + contract.file() + ":\n" + SimpleValidationReportFormat.getInstance().apply(requestReport);
            }
            if (answer.status() >= 500) {
                return null; // the test plays an outage: no contract describes one
            }
            SimpleResponse.Builder response = SimpleResponse.Builder.status(answer.status());
            if (answer.json() != null) {
                response.withContentType("application/json").withBody(answer.json());
            }
            ValidationReport responseReport = contract.validator().validateResponse(request.getPath(), request.getMethod(),
                    response.build());
            return responseReport.hasErrors()
                    ? "The test's answer " + answer.status() + " to " + line + " breaks " + contract.file() + ":\n"
                            + SimpleValidationReportFormat.getInstance().apply(responseReport)
                    : null;
        }
        return line + " is in none of the providers' contracts " + contracts.stream().map(Contract::file).toList();
    }

    private static Request asRequest(HttpExchange exchange, String body) {
        SimpleRequest.Builder request = new SimpleRequest.Builder(exchange.getRequestMethod(), exchange.getRequestURI().getPath());
        exchange.getRequestHeaders().forEach(request::withHeader);
        String query = exchange.getRequestURI().getRawQuery();
        if (query != null) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                request.withQueryParam(name, value);
            }
        }
        if (!body.isEmpty()) {
            request.withBody(body);
        }
        return request.build();
    }

    /** The handle, for a test that starts the stand-in itself rather than as a Quarkus test resource. */
    public Handle handle() {
        return handle;
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(handle, new TestInjector.MatchesType(Handle.class));
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }
}
