package dev.parley.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpServer;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A real HTTP server standing in for another Parley service: it records every request and answers
 * with what the test told it to (by path prefix; 204 by default). Subclasses say which
 * configuration keys point the service under test at it. Tests receive the {@link Handle}.
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

        /** The next request (in arrival order), waiting up to 10 s; null if none came. */
        public Received next() throws InterruptedException {
            return received.poll(10, TimeUnit.SECONDS);
        }

        /** The next request whose path starts with the prefix, discarding others; null if none within 10 s. */
        public Received next(String pathPrefix) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (true) {
                Received r = received.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (r == null || r.path().startsWith(pathPrefix)) {
                    return r;
                }
            }
        }

        /** Requests under this path prefix get this status and JSON body (null for none). */
        public void answer(String pathPrefix, int status, String json) {
            answers.put(pathPrefix, new Answer(status, json));
        }

        public void reset() {
            received.clear();
            answers.clear();
        }

        private Answer answerFor(String path) {
            return answers.entrySet().stream().filter(e -> path.startsWith(e.getKey()))
                    .max((a, b) -> Integer.compare(a.getKey().length(), b.getKey().length()))
                    .map(Map.Entry::getValue).orElse(new Answer(204, null));
        }
    }

    private HttpServer server;
    private final Handle handle = new Handle();

    /** The configuration that points the service under test at {@code baseUrl}. */
    protected abstract Map<String, String> configFor(String baseUrl);

    @Override
    public Map<String, String> start() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String path = exchange.getRequestURI().getPath();
            handle.received.add(new Received(exchange.getRequestMethod(), path,
                    exchange.getRequestHeaders().getFirst("Authorization"), body));
            Answer answer = handle.answerFor(path);
            if (answer.json() == null) {
                exchange.sendResponseHeaders(answer.status(), -1);
            } else {
                byte[] bytes = answer.json().getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(answer.status(), bytes.length);
                exchange.getResponseBody().write(bytes);
            }
            exchange.close();
        });
        server.start();
        return configFor("http://127.0.0.1:" + server.getAddress().getPort());
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
