package dev.parley.e2e;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import dev.parley.localstack.Stack;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import io.vertx.core.Vertx;

/** The running stack as a client app sees it: one gateway URL. */
final class Parley implements AutoCloseable {

    private static final AtomicInteger SEQ = new AtomicInteger();
    static final String PASSWORD = "correct horse battery staple";

    final Stack stack;
    /** Where the tests' WebSocket clients run. */
    final Vertx vertx = Vertx.vertx();

    private Parley(Stack stack) {
        this.stack = stack;
    }

    /** Starts the whole stack on its own ports and data directory (target/e2e-name). */
    static Parley start(String name, int portOffset, int chatReplicas, String redisUri) throws IOException, InterruptedException {
        return start(name, portOffset, chatReplicas, redisUri, null);
    }

    /** The same, on a store the test runs itself ({@code mongoUri}; null = the stack's own embedded store). */
    static Parley start(String name, int portOffset, int chatReplicas, String redisUri, String mongoUri)
            throws IOException, InterruptedException {
        return start(name, portOffset, chatReplicas, redisUri, mongoUri, Map.of());
    }

    /** The same, with {@code extra} settings given to every service. */
    static Parley start(String name, int portOffset, int chatReplicas, String redisUri, String mongoUri, Map<String, String> extra)
            throws IOException, InterruptedException {
        Path root = Path.of("..").toAbsolutePath().normalize();
        Path data = Path.of("target", "e2e-" + name).toAbsolutePath();
        deleteTree(data);
        // every test signs up, in and refreshes from one address: lift the per-address limits (their own tests are in gateway)
        Map<String, String> properties = new java.util.HashMap<>(Map.of("parley.gateway.rate-limit.sign-in-requests", "1000",
                "parley.gateway.rate-limit.sign-in-burst", "1000",
                "parley.gateway.rate-limit.register-requests", "1000",
                "parley.gateway.rate-limit.register-burst", "1000",
                "parley.gateway.rate-limit.refresh-requests", "1000",
                "parley.gateway.rate-limit.refresh-burst", "1000"));
        properties.putAll(extra);
        return new Parley(Stack.start(new Stack.Options(root, data, portOffset, mongoUri, chatReplicas, redisUri, properties)));
    }

    RequestSpecification api() {
        return RestAssured.given().baseUri(stack.gatewayUrl());
    }

    RequestSpecification as(Account account) {
        return api().auth().oauth2(account.accessToken());
    }

    URI ws() {
        return URI.create(stack.gatewayUrl().replace("http://", "ws://") + "/ws");
    }

    /** A signed-up user and the tokens of their session. */
    record Account(String id, String username, String accessToken, String refreshToken) {
        static Account of(JsonPath auth) {
            return new Account(auth.getString("user.id"), auth.getString("user.username"), auth.getString("accessToken"),
                    auth.getString("refreshToken"));
        }
    }

    Account register(String prefix) {
        String username = prefix + "_" + SEQ.incrementAndGet() + "_" + System.nanoTime() % 100_000;
        return Account.of(api().contentType(ContentType.JSON)
                .body(Map.of("username", username, "email", username + "@example.com", "password", PASSWORD))
                .post("/auth/register").then().statusCode(201).extract().jsonPath());
    }

    Account login(String username) {
        return Account.of(api().contentType(ContentType.JSON).body(Map.of("username", username, "password", PASSWORD))
                .post("/auth/login").then().statusCode(200).extract().jsonPath());
    }

    String directChat(Account a, Account b) {
        return as(a).contentType(ContentType.JSON).body(Map.of("participantIds", List.of(b.id())))
                .post("/chat").then().statusCode(org.hamcrest.Matchers.oneOf(200, 201)).extract().path("id");
    }

    @Override
    public void close() throws Exception {
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);
        } finally {
            stack.close();
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!java.nio.file.Files.exists(dir)) {
            return;
        }
        try (var paths = java.nio.file.Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                java.nio.file.Files.delete(p);
            }
        }
    }
}
