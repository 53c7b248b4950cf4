package dev.parley.gateway;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import dev.parley.testsupport.TestTokens;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import io.vertx.core.http.impl.WebSocketInternal;

/**
 * Real HTTP servers standing in for auth-, user- and chat-service on free loopback ports. Each
 * records what it receives and answers with what it saw ({@code /hang} is never answered);
 * chat-service also serves a WebSocket echo at {@code /ws} (see {@link #echo} for what it does on
 * command). A path ending in {@code /too-large} is refused as Quarkus refuses a body over its limit
 * (a bare 413), one in {@code /content-too-large} with a 413 problem of the service's own.
 * auth-service's sign-in answers also
 * carry tokens ({@code refreshToken} is {@code rt-} and a counter), and a refresh of the token
 * {@value #REVOKED} is a 401 problem, as auth-service answers a spent one.
 *
 * <p>Init args, each a comma-separated list of upstreams: {@code down} configures them at a
 * closed port only; {@code half-down} at a closed port and then one live instance; {@code pairs}
 * at two live instances ("user-1", "user-2"). {@code response-timeout} sets the gateway's.
 * {@code keys-from-auth=true} makes auth-service's {@code /auth/jwks} the gateway's key set, as in
 * production: the test keys of {@link TestTokens}, with {@code Cache-Control: max-age=1} so the
 * gateway's copy expires within a second; {@link Handle#stopAuth} then takes auth-service down, the
 * way {@code auth-outage} says ({@code answers-503}, the default, or {@code refuses-connections}).
 */
public class StandInUpstreams implements QuarkusTestResourceLifecycleManager {

    /** A problem body an upstream sends; the gateway must pass it through byte for byte. */
    public static final String UPSTREAM_PROBLEM = "{\"type\":\"urn:parley:problem:username_taken\",\"title\":\"Conflict\","
            + "\"status\":409,\"code\":\"username_taken\",\"detail\":\"That username is taken\"}";

    /** A 413 problem of a service's own (chat-service's for a message over its length); passed through untouched. */
    public static final String CONTENT_TOO_LARGE = "{\"type\":\"urn:parley:problem:content_too_large\",\"title\":\"Content too large\","
            + "\"status\":413,\"code\":\"content_too_large\"}";

    /** The refresh token the stand-in auth-service treats as spent. */
    public static final String REVOKED = "revoked-refresh-token-0001";
    private static final Set<String> SIGN_IN = Set.of("/auth/login", "/auth/register", "/auth/refresh");
    private final AtomicInteger issued = new AtomicInteger();

    /** One request as an upstream saw it. */
    public record Received(String upstream, String method, String uri, MultiMap headers, String body, String instance) {
        public String header(String name) {
            return headers.get(name);
        }
    }

    /** How auth-service goes down: answering 503 to everything, or no longer accepting connections. */
    public enum Outage {
        ANSWERS_503, REFUSES_CONNECTIONS
    }

    /** What a test sees of the stand-ins. */
    public static final class Handle {
        final AtomicInteger keySetFetches = new AtomicInteger();
        final AtomicInteger keySetFetchesWhileDown = new AtomicInteger();
        volatile Outage authOutage;
        Outage plannedOutage = Outage.ANSWERS_503;
        Runnable closeAuth = () -> {
        };
        final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
        final BlockingQueue<Received> upgrades = new LinkedBlockingQueue<>();
        final BlockingQueue<Integer> closesFromClient = new LinkedBlockingQueue<>();
        final BlockingQueue<String> closeReasonsFromClient = new LinkedBlockingQueue<>();
        /** The running flood (see {@link StandInUpstreams#echo}): bytes written so far. */
        final AtomicLong floodWritten = new AtomicLong();
        /** When the flood's current wait for its write queue to drain began (nanoTime), 0 while it writes. */
        final AtomicLong floodStalledSince = new AtomicLong();

        /**
         * The reason of the next close with this code that chat-service saw; closes with other codes
         * (a socket an earlier test closed at its end may arrive late) are passed over.
         */
        public String closeReasonFromClient(int code) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline) {
                String close = closeReasonsFromClient.poll(100, TimeUnit.MILLISECONDS);
                if (close != null && close.startsWith(code + ":")) {
                    return close.substring(close.indexOf(':') + 1);
                }
            }
            throw new AssertionError("chat-service saw no WebSocket close with " + code);
        }

        /** The next request an upstream received; fails after 10 s. */
        public Received next() throws InterruptedException {
            Received r = received.poll(10, TimeUnit.SECONDS);
            if (r == null) {
                throw new AssertionError("no upstream received a request");
            }
            return r;
        }

        /** Requests are recorded before they are answered, so after a response this is final. */
        public List<Received> receivedSoFar() {
            return new ArrayList<>(received);
        }

        public Received nextUpgrade() throws InterruptedException {
            Received r = upgrades.poll(10, TimeUnit.SECONDS);
            if (r == null) {
                throw new AssertionError("chat-service received no WebSocket upgrade");
            }
            return r;
        }

        /** The close code of the next WebSocket the client closed, as chat-service saw it. */
        public int nextCloseFromClient() throws InterruptedException {
            Integer code = closesFromClient.poll(10, TimeUnit.SECONDS);
            if (code == null) {
                throw new AssertionError("chat-service saw no WebSocket close");
            }
            return code;
        }

        /** Key-set requests auth-service answered with keys. */
        public int keySetFetches() {
            return keySetFetches.get();
        }

        /** Key-set requests auth-service refused (answered 503) since {@link #stopAuth}. */
        public int keySetFetchesWhileDown() {
            return keySetFetchesWhileDown.get();
        }

        /** Takes every auth-service instance down, the configured way, for as long as this gateway runs. */
        public synchronized void stopAuth() {
            if (authOutage != null) {
                return;
            }
            Outage outage = plannedOutage;
            authOutage = outage;
            if (outage == Outage.REFUSES_CONNECTIONS) {
                closeAuth.run();
            }
        }

        public void clear() {
            received.clear();
            upgrades.clear();
            closesFromClient.clear();
            closeReasonsFromClient.clear();
            floodWritten.set(0);
            floodStalledSince.set(0);
        }
    }

    private final Handle handle = new Handle();
    private final List<HttpServer> servers = new ArrayList<>();
    private final List<Integer> authPorts = new ArrayList<>();
    private Vertx vertx;
    private Map<String, String> args = Map.of();

    @Override
    public void init(Map<String, String> initArgs) {
        args = initArgs;
    }

    private Set<String> listed(String arg) {
        String value = args.getOrDefault(arg, "");
        return value.isBlank() ? Set.of() : Set.of(value.split(","));
    }

    @Override
    public Map<String, String> start() {
        vertx = Vertx.vertx();
        Map<String, String> config = new HashMap<>();
        for (String upstream : List.of("auth", "user", "chat")) {
            List<Integer> ports = new ArrayList<>();
            if (listed("down").contains(upstream)) {
                ports.add(closedPort());
            } else if (listed("half-down").contains(upstream)) {
                ports.add(closedPort());
                ports.add(serve(upstream, upstream));
            } else if (listed("pairs").contains(upstream)) {
                ports.add(serve(upstream, upstream + "-1"));
                ports.add(serve(upstream, upstream + "-2"));
            } else {
                ports.add(serve(upstream, upstream));
            }
            if (upstream.equals("auth")) {
                authPorts.addAll(ports);
            }
            config.put("parley.gateway.upstreams." + upstream,
                    String.join(",", ports.stream().map(port -> "http://127.0.0.1:" + port).toList()));
        }
        if (Boolean.parseBoolean(args.get("keys-from-auth"))) {
            String auth = config.get("parley.gateway.upstreams.auth").split(",")[0];
            config.put("mp.jwt.verify.publickey.location", auth + "/auth/jwks");
            List<HttpServer> authServers = servers.stream().filter(server -> authPorts.contains(server.actualPort())).toList();
            handle.plannedOutage = "refuses-connections".equals(args.get("auth-outage")) ? Outage.REFUSES_CONNECTIONS
                    : Outage.ANSWERS_503;
            handle.closeAuth = () -> authServers.forEach(server -> server.close().toCompletionStage().toCompletableFuture().join());
        }
        if (args.containsKey("response-timeout")) {
            config.put("parley.gateway.upstreams.response-timeout", args.get("response-timeout"));
        }
        return config;
    }

    private int serve(String upstream, String instance) {
        // chat-service's stand-in speaks one subprotocol, to show an offered one crosses the gateway
        HttpServer server = vertx.createHttpServer(new HttpServerOptions().setWebSocketSubProtocols(List.of("parley.v1")));
        if (upstream.equals("chat")) {
            server.webSocketHandler(this::echo);
        }
        boolean servesKeys = upstream.equals("auth") && Boolean.parseBoolean(args.get("keys-from-auth"));
        server.requestHandler(request -> {
            if (upstream.equals("auth") && handle.authOutage == Outage.ANSWERS_503) {
                if (request.path().equals("/auth/jwks")) {
                    handle.keySetFetchesWhileDown.incrementAndGet();
                }
                request.response().setStatusCode(503).end();
                return;
            }
            if (servesKeys && request.path().equals("/auth/jwks")) {
                handle.keySetFetches.incrementAndGet();
                request.response().putHeader("Content-Type", "application/json").putHeader("Cache-Control", "max-age=1")
                        .end(TestTokens.jwks(false));
                return;
            }
            if (request.path().equals("/q/health/live")) {
                request.response().putHeader("Content-Type", "application/json").end("{\"status\":\"UP\"}");
                return;
            }
            request.body().onSuccess(body -> {
                handle.received.add(new Received(upstream, request.method().name(), request.uri(),
                        MultiMap.caseInsensitiveMultiMap().addAll(request.headers()), body.toString(), instance));
                if (request.path().endsWith("/hang")) {
                    return;
                }
                var response = request.response()
                        .putHeader("Server", "stand-in/1.0")
                        .putHeader("X-Powered-By", "stand-in");
                if (request.path().endsWith("/too-large")) {
                    // as Quarkus refuses a body over its limit: no body, connection closed
                    response.setStatusCode(413).putHeader("Connection", "close").end();
                } else if (request.path().endsWith("/content-too-large")) {
                    response.setStatusCode(413).putHeader("Content-Type", "application/problem+json").end(CONTENT_TOO_LARGE);
                } else if (request.path().endsWith("/problem")) {
                    response.setStatusCode(409).putHeader("Content-Type", "application/problem+json").end(UPSTREAM_PROBLEM);
                } else if (upstream.equals("auth") && request.path().equals("/auth/refresh") && body.toString().contains(REVOKED)) {
                    response.setStatusCode(401).putHeader("Content-Type", "application/problem+json")
                            .end("{\"type\":\"urn:parley:problem:invalid_refresh_token\",\"title\":\"Unauthorized\","
                                    + "\"status\":401,\"code\":\"invalid_refresh_token\"}");
                } else {
                    JsonObject answer = new JsonObject()
                            .put("upstream", upstream).put("instance", instance)
                            .put("method", request.method().name()).put("uri", request.uri());
                    if (upstream.equals("auth") && SIGN_IN.contains(request.path())) {
                        int n = issued.incrementAndGet();
                        answer.put("accessToken", "access-" + n).put("refreshToken", String.format("rt-%020d", n))
                                .put("tokenType", "Bearer").put("expiresIn", 900);
                    }
                    response.putHeader("Content-Type", "application/json").end(answer.encode());
                }
            });
        });
        server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().join();
        servers.add(server);
        return server.actualPort();
    }

    /**
     * Greets, echoes text frames and records how the client closed. Commands: "bye" closes with
     * 4001; "close:CODE:REASON" closes with that; "reset" drops the connection with a TCP reset (no
     * close frame, as when a replica is killed); "ping" sends a ping "hb"; "flood:N" writes N frames
     * of {@value #FLOOD_FRAME_BYTES} bytes, each starting with its number ("000042:"), then
     * "flood-done", always waiting for its write queue to drain when full (as a well-behaved
     * server does), and tells the handle how much it wrote and whether it is waiting. An upgrade
     * with {@code refuse=STATUS} in its query is rejected with that status.
     */
    private void echo(ServerWebSocket ws) {
        if (!ws.path().equals("/ws")) {
            ws.reject(404);
            return;
        }
        String query = ws.query() == null ? "" : ws.query();
        if (query.startsWith("refuse=")) {
            ws.reject(Integer.parseInt(query.substring("refuse=".length())));
            return;
        }
        handle.upgrades.add(new Received("chat", "GET", ws.uri(), MultiMap.caseInsensitiveMultiMap().addAll(ws.headers()), "",
                "chat"));
        ws.writeTextMessage("welcome");
        ws.textMessageHandler(message -> {
            if (message.equals("bye")) {
                ws.close((short) 4001, "bye");
            } else if (message.startsWith("close:")) {
                String[] parts = message.split(":", 3);
                ws.close(Short.parseShort(parts[1]), parts[2]);
            } else if (message.equals("reset")) {
                Channel channel = ((WebSocketInternal) ws).channelHandlerContext().channel();
                channel.config().setOption(ChannelOption.SO_LINGER, 0); // a close now sends RST
                // from the pipeline's head: past Vert.x, which would send a close frame first
                channel.pipeline().firstContext().close();
            } else if (message.equals("ping")) {
                ws.writePing(Buffer.buffer("hb"));
            } else if (message.startsWith("flood:")) {
                flood(ws, 0, Integer.parseInt(message.substring("flood:".length())));
            } else {
                ws.writeTextMessage("echo:" + message);
            }
        });
        ws.closeHandler(v -> {
            if (ws.closeStatusCode() != null && ws.closeStatusCode() != 4001) {
                handle.closesFromClient.add((int) ws.closeStatusCode());
                handle.closeReasonsFromClient.add(ws.closeStatusCode() + ":" + (ws.closeReason() == null ? "" : ws.closeReason()));
            }
        });
    }

    static final int FLOOD_FRAME_BYTES = 60 * 1024;

    private void flood(ServerWebSocket ws, int from, int total) {
        int next = from;
        while (next < total) {
            if (ws.isClosed()) {
                return;
            }
            if (ws.writeQueueFull()) {
                handle.floodStalledSince.set(System.nanoTime());
                int resumeAt = next;
                ws.drainHandler(v -> {
                    ws.drainHandler(null); // once: a later drain must not start this part over
                    handle.floodStalledSince.set(0);
                    flood(ws, resumeAt, total);
                });
                return;
            }
            String number = String.format("%06d:", next);
            ws.writeTextMessage(number + "x".repeat(FLOOD_FRAME_BYTES - number.length()));
            handle.floodWritten.addAndGet(FLOOD_FRAME_BYTES);
            next++;
        }
        ws.writeTextMessage("flood-done");
    }

    /** A port nothing listens on (bound, then released). */
    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(handle, new TestInjector.MatchesType(Handle.class));
    }

    @Override
    public void stop() {
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().join();
        }
    }
}
