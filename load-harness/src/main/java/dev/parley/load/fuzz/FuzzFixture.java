package dev.parley.load.fuzz;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.vertx.core.json.JsonObject;

/** The fuzzer's own users, chats and messages (what valid requests name), and the health check afterwards. */
final class FuzzFixture {

    static final String PASSWORD = "fuzzing is not guessing";

    private final HttpClient http;
    private final URI gateway;
    private String token;

    FuzzFixture(HttpClient http, URI gateway) {
        this.http = http;
        this.gateway = gateway;
    }

    /** {@code users} users, a direct chat of the first two, a group of all, a direct chat without the first, a message in each. */
    FuzzCases.Fixture create(int users) throws IOException, InterruptedException {
        List<String> ids = new ArrayList<>();
        List<String> tokens = new ArrayList<>();
        List<String> refresh = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < users; i++) {
            JsonObject auth = register();
            ids.add(auth.getJsonObject("user").getString("id"));
            names.add(auth.getJsonObject("user").getString("username"));
            tokens.add(auth.getString("accessToken"));
            refresh.add(auth.getString("refreshToken"));
        }
        token = tokens.get(0);
        List<String> chats = new ArrayList<>();
        chats.add(createChat(tokens.get(0), Map.of("participantIds", List.of(ids.get(1)))));
        chats.add(createChat(tokens.get(0), Map.of("participantIds", ids.subList(1, ids.size()), "name", "fuzz group")));
        chats.add(createChat(tokens.get(2), Map.of("participantIds", List.of(ids.get(1)))));
        List<String> messages = new ArrayList<>();
        messages.add(send(tokens.get(0), chats.get(0)));
        messages.add(send(tokens.get(1), chats.get(1)));
        messages.add(send(tokens.get(2), chats.get(2)));
        return new FuzzCases.Fixture(ids, tokens, refresh, names, chats, messages);
    }

    /** Every service answers a normal request: a sign-up, the profile, the chat list, each service's readiness. */
    List<String> healthCheck(Map<String, URI> services) {
        List<String> problems = new ArrayList<>();
        try {
            JsonObject auth = register();
            String fresh = auth.getString("accessToken");
            expect(problems, "GET /user/me", get("/user/me", fresh), 200);
            expect(problems, "GET /chat", get("/chat", fresh), 200);
            expect(problems, "GET /auth/jwks", get("/auth/jwks", null), 200);
            for (Map.Entry<String, URI> service : services.entrySet()) {
                HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create(service.getValue() + "/q/health/ready"))
                        .timeout(Fuzzer.DEADLINE).build(), HttpResponse.BodyHandlers.ofString());
                expect(problems, service.getKey() + " /q/health/ready", ready, 200);
            }
        } catch (IOException | RuntimeException e) {
            problems.add("a normal request failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return problems;
    }

    private JsonObject register() throws IOException, InterruptedException {
        String name = "fz_" + UUID.randomUUID().toString().substring(0, 8);
        HttpResponse<String> r = post("/auth/register", null,
                new JsonObject().put("username", name).put("email", name + "@example.com").put("password", PASSWORD));
        if (r.statusCode() != 201) {
            throw new IOException("sign-up answered " + r.statusCode() + ": " + r.body());
        }
        return new JsonObject(r.body());
    }

    private String createChat(String token, Map<String, Object> body) throws IOException, InterruptedException {
        HttpResponse<String> r = post("/chat", token, new JsonObject(body));
        if (r.statusCode() / 100 != 2) {
            throw new IOException("POST /chat answered " + r.statusCode() + ": " + r.body());
        }
        return new JsonObject(r.body()).getString("id");
    }

    private String send(String token, String chat) throws IOException, InterruptedException {
        HttpResponse<String> r = post("/chat/message", token, new JsonObject().put("chatId", chat).put("content", "fuzz seed message"));
        if (r.statusCode() / 100 != 2) {
            throw new IOException("POST /chat/message answered " + r.statusCode() + ": " + r.body());
        }
        JsonObject body = new JsonObject(r.body());
        return body.containsKey("message") ? body.getJsonObject("message").getString("id") : body.getString("id");
    }

    private HttpResponse<String> post(String path, String bearer, JsonObject body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gateway + path)).timeout(Fuzzer.DEADLINE)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.encode()));
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path, String bearer) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gateway + path)).timeout(Fuzzer.DEADLINE);
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void expect(List<String> problems, String what, HttpResponse<String> r, int status) {
        if (r.statusCode() != status) {
            problems.add(what + " answered " + r.statusCode() + " (expected " + status + "): " + Fuzzer.abbreviate(r.body()));
        }
    }

}
