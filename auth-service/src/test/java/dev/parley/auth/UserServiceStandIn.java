package dev.parley.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** A real HTTP server standing in for user-service's internal API; records what it receives. */
public class UserServiceStandIn implements QuarkusTestResourceLifecycleManager {

    /** One request as user-service would see it. */
    public record Received(String method, String path, String authorization, String body) {
    }

    /** What the test sees: the requests, and the status the stand-in answers with. */
    public static final class Handle {
        final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
        final AtomicInteger status = new AtomicInteger(201);

        public Received next() throws InterruptedException {
            return received.poll(10, TimeUnit.SECONDS);
        }

        public void answerWith(int code) {
            status.set(code);
        }

        public void clear() {
            received.clear();
        }

        public int count() {
            return received.size();
        }
    }

    private HttpServer server;
    private final Handle handle = new Handle();

    @Override
    public Map<String, String> start() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            handle.received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    exchange.getRequestHeaders().getFirst("Authorization"), body));
            exchange.sendResponseHeaders(handle.status.get(), -1);
            exchange.close();
        });
        server.start();
        return Map.of("quarkus.rest-client.user-service.url", "http://127.0.0.1:" + server.getAddress().getPort());
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
