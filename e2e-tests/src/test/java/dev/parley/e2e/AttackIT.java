package dev.parley.e2e;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.oneOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;

import dev.parley.e2e.Parley.Account;
import dev.parley.localstack.ServiceProcess;
import dev.parley.testsupport.TestSocket;
import io.restassured.RestAssured;
import io.restassured.filter.Filter;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.vertx.core.json.JsonObject;

/**
 * The attack suite: what an attacker with an account (or without one) tries, through the gateway
 * and, for defence in depth, straight at each service's own port. Every attempt must end in a 4xx
 * problem, an {@code error} event or a close that says why, and write nothing; at the end the
 * services' logs hold none of the suite's tokens, passwords, message content or key material, and
 * no answer carried a stack trace or an internal address. docs/security.md ("The attack suite and
 * the fuzzer") lists what is covered and the known gaps.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AttackIT {

    private static final String MARKER = "attack-marker-" + UUID.randomUUID();
    private static final List<String> BODIES = Collections.synchronizedList(new ArrayList<>());
    private static final List<String> SECRETS = Collections.synchronizedList(new ArrayList<>());
    private static final Filter RECORD = (request, response, ctx) -> {
        Response r = ctx.next(request, response);
        BODIES.add(r.asString());
        return r;
    };

    private static Parley parley;
    private static Map<String, String> direct;
    private static ForgedTokens forge;
    private static Account alice;
    private static Account bob;
    private static Account eve;
    private static String chat;
    private static String aliceMessage;

    @BeforeAll
    static void startTheStack() throws Exception {
        parley = Parley.start("attack", 600, 1, null);
        // every answer of the suite is kept, to be scanned for stack traces and internal addresses at the end
        RestAssured.filters(RECORD);
        direct = new LinkedHashMap<>();
        for (ServiceProcess s : parley.stack.services()) {
            direct.put(s.name(), s.url());
        }
        JsonObject jwk = new JsonObject(RestAssured.get(parley.stack.gatewayUrl() + "/auth/jwks").asString())
                .getJsonArray("keys").getJsonObject(0);
        forge = new ForgedTokens(data().resolve("auth").resolve("signing-key.pem"), jwk);
        alice = remember(parley.register("alice"));
        bob = remember(parley.register("bob"));
        eve = remember(parley.register("eve"));
        chat = parley.directChat(alice, bob);
        aliceMessage = parley.as(alice).contentType(ContentType.JSON).body(Map.of("chatId", chat, "content", MARKER + " hello"))
                .post("/chat/message").then().statusCode(oneOf(200, 201)).extract().path("id");
    }

    @AfterAll
    static void stopTheStack() throws Exception {
        RestAssured.replaceFiltersWith(List.of());
        if (parley != null) {
            parley.close();
        }
    }

    // ---- tokens ----

    @Test
    @Order(1)
    void forgedExpiredAndMisusedAccessTokensAre401AtTheGatewayAndAtEveryService() throws Exception {
        Map<String, Function<String, Response>> doors = new LinkedHashMap<>();
        doors.put("gateway /user/me", t -> at(parley.stack.gatewayUrl(), t).get("/user/me"));
        doors.put("gateway /chat", t -> at(parley.stack.gatewayUrl(), t).get("/chat"));
        doors.put("user-service /user/me", t -> at(direct.get("user-service"), t).get("/user/me"));
        doors.put("chat-service /chat", t -> at(direct.get("chat-service"), t).get("/chat"));
        doors.put("auth-service /auth/logout-all", t -> at(direct.get("auth-service"), t).post("/auth/logout-all"));

        Map<String, String> forged = new LinkedHashMap<>();
        forged.put("alg none", forge.none(ForgedTokens.claims(eve.id(), eve.username())));
        forged.put("HS256 keyed with the public key", forge.hs256WithPublicKey(ForgedTokens.claims(eve.id(), eve.username())));
        Map<String, Object> expired = ForgedTokens.claims(eve.id(), eve.username());
        expired.put("iat", ((Long) expired.get("iat")) - 3600);
        expired.put("exp", ((Long) expired.get("iat")) + 900);
        forged.put("expired", forge.valid(expired));
        Map<String, Object> future = ForgedTokens.claims(eve.id(), eve.username());
        future.put("iat", ((Long) future.get("iat")) + 3600);
        future.put("nbf", future.get("iat"));
        future.put("exp", ((Long) future.get("iat")) + 900);
        forged.put("not yet valid", forge.valid(future));
        Map<String, Object> issuer = ForgedTokens.claims(eve.id(), eve.username());
        issuer.put("iss", "parley-auth-evil");
        forged.put("wrong issuer", forge.valid(issuer));
        Map<String, Object> audience = ForgedTokens.claims(eve.id(), eve.username());
        audience.put("aud", "someone-else");
        forged.put("wrong audience", forge.valid(audience));
        forged.put("unknown kid", forge.rs256("no-such-key", ForgedTokens.claims(eve.id(), eve.username())));
        forged.put("flipped signature bit", ForgedTokens.flipSignatureBit(eve.accessToken()));
        forged.put("claims edited (sub), signature kept", ForgedTokens.withSubject(eve.accessToken(), alice.id()));
        forged.put("a refresh token", eve.refreshToken());
        forged.put("garbage", "not.a.jwt");

        // the control: made the same way with every claim right, a token is accepted, so each 401 below is its variant's doing
        String control = forge.valid(ForgedTokens.claims(eve.id(), eve.username()));
        for (String door : List.of("gateway /user/me", "gateway /chat", "user-service /user/me", "chat-service /chat")) {
            assertEquals(200, doors.get(door).apply(control).statusCode(), door + " accepts the control token");
        }
        for (Map.Entry<String, String> token : forged.entrySet()) {
            for (Map.Entry<String, Function<String, Response>> door : doors.entrySet()) {
                Response r = door.getValue().apply(token.getValue());
                assertEquals(401, r.statusCode(), token.getKey() + " at " + door.getKey() + ": " + r.asString());
                assertProblem(r, token.getKey() + " at " + door.getKey());
            }
        }
    }

    @Test
    @Order(2)
    void refreshTokensCannotBeMisusedRevokedOnesStayDeadAndReuseKillsTheFamily() {
        Account carol = remember(parley.register("carol"));
        // an access token where a refresh token belongs
        Response asRefresh = refresh(carol.accessToken());
        assertTrue(asRefresh.statusCode() == 401 || asRefresh.statusCode() == 400, asRefresh.asString());
        assertProblem(asRefresh, "access token as a refresh token");
        // a logged-out session's refresh token
        Account again = remember(parley.login(carol.username()));
        parley.api().contentType(ContentType.JSON).body(Map.of("refreshToken", again.refreshToken())).post("/auth/logout")
                .then().statusCode(204);
        assertEquals(401, refresh(again.refreshToken()).statusCode(), "refresh after logout");
        assertEquals(401, at(direct.get("auth-service"), null).contentType(ContentType.JSON)
                .body(Map.of("refreshToken", again.refreshToken())).post("/auth/refresh").statusCode(), "at auth-service directly");
        // reuse: the used token is refused and its successor dies with it
        Response rotated = refresh(carol.refreshToken());
        assertEquals(200, rotated.statusCode(), rotated.asString());
        String successor = rotated.path("refreshToken");
        SECRETS.add(successor);
        SECRETS.add(rotated.path("accessToken"));
        Response reuse = refresh(carol.refreshToken());
        assertEquals(401, reuse.statusCode());
        assertEquals("invalid_refresh_token", reuse.path("code"));
        Response afterReuse = refresh(successor);
        assertEquals(401, afterReuse.statusCode(), "the successor of a reused token is revoked too");
        assertProblem(afterReuse, "successor after reuse");
    }

    // ---- access ----

    @Test
    @Order(3)
    void anOutsiderGetsNothingOfAChatOverRest() {
        for (String base : List.of(parley.stack.gatewayUrl(), direct.get("chat-service"))) {
            expectRefused(at(base, eve.accessToken()).get("/chat/" + chat), "history", 403, 404);
            expectRefused(at(base, eve.accessToken()).contentType(ContentType.JSON).body(Map.of("chatId", chat, "content", "x"))
                    .post("/chat/message"), "send", 403, 404);
            expectRefused(at(base, eve.accessToken()).contentType(ContentType.JSON).body(Map.of("messageId", aliceMessage))
                    .post("/chat/" + chat + "/read"), "read", 403, 404);
            expectRefused(at(base, eve.accessToken()).contentType(ContentType.JSON).body(Map.of("content", "x"))
                    .patch("/chat/message/" + aliceMessage), "edit", 403, 404);
            expectRefused(at(base, eve.accessToken()).delete("/chat/message/" + aliceMessage), "delete", 403, 404);
            // a participant, but not the sender
            Response edit = at(base, bob.accessToken()).contentType(ContentType.JSON).body(Map.of("content", "x"))
                    .patch("/chat/message/" + aliceMessage);
            assertEquals(403, edit.statusCode(), edit.asString());
            assertEquals("not_your_message", edit.path("code"));
            Response delete = at(base, bob.accessToken()).delete("/chat/message/" + aliceMessage);
            assertEquals(403, delete.statusCode(), delete.asString());
            assertEquals("not_your_message", delete.path("code"));
            assertFalse(at(base, eve.accessToken()).get("/chat").asString().contains(chat), "eve's chat list");
        }
        // no way in: a chat "with" its members is a new chat, a send by receiverId opens eve's own direct chat
        String evesGroup = parley.as(eve).contentType(ContentType.JSON).body(Map.of("participantIds", List.of(alice.id(), bob.id()),
                "name", "not yours")).post("/chat").then().statusCode(oneOf(200, 201)).extract().path("id");
        assertNotEquals(chat, evesGroup);
        String evesDirect = parley.as(eve).contentType(ContentType.JSON).body(Map.of("receiverId", bob.id(), "content", "hi"))
                .post("/chat/message").then().statusCode(oneOf(200, 201)).extract().path("chatId");
        assertNotEquals(chat, evesDirect);
        List<String> members = parley.as(alice).get("/chat").jsonPath().getList("chats.find { it.id == '" + chat + "' }.participantIds");
        assertEquals(2, members.size());
        assertFalse(members.contains(eve.id()), "eve never joined alice's chat: " + members);
        parley.as(alice).get("/chat/" + chat).then().statusCode(200).body("messages[0].content", equalTo(MARKER + " hello"));
    }

    @Test
    @Order(4)
    void anOutsiderGetsNotAParticipantForEveryEventOnAChat() throws Exception {
        for (String base : List.of(parley.ws().toString(), direct.get("chat-service").replace("http://", "ws://") + "/ws")) {
            try (TestSocket evil = TestSocket.connect(parley.vertx, URI.create(base), eve.accessToken())) {
                assertError(evil, evil.send("message:send", Map.of("chatId", chat, "content", "x", "clientMessageId", "evil1")),
                        "not_a_participant");
                assertError(evil, evil.send("user:typing", Map.of("chatId", chat, "typing", true)), "not_a_participant");
                assertError(evil, evil.send("message:read", Map.of("chatId", chat, "messageId", aliceMessage)), "not_a_participant");
                assertError(evil, evil.send("sync", Map.of("chats", List.of(Map.of("chatId", chat, "seq", 0, "changes", 0)))),
                        "not_a_participant");
                JsonObject since = evil.reply(evil.send("sync", Map.of("since", aliceMessage)));
                assertFalse(since.encode().contains(MARKER), "sync by id returns only the caller's chats: " + since);
            }
        }
    }

    @Test
    @Order(5)
    void nobodySeesAnotherUsersEmail() {
        String aliceEmail = alice.username() + "@example.com";
        for (String base : List.of(parley.stack.gatewayUrl(), direct.get("user-service"))) {
            Response profile = at(base, eve.accessToken()).get("/user/" + alice.id());
            assertEquals(200, profile.statusCode(), profile.asString());
            assertFalse(profile.asString().contains(aliceEmail), profile.asString());
            Response search = at(base, eve.accessToken()).queryParam("search", "alice").get("/user");
            assertEquals(200, search.statusCode(), search.asString());
            assertTrue(search.asString().contains(alice.id()), "the search finds alice");
            assertFalse(search.asString().contains("@example.com"), search.asString());
        }
        assertFalse(parley.as(eve).get("/chat").asString().contains(aliceEmail));
    }

    @Test
    @Order(6)
    void internalAndManagementPathsAreNotRoutedByTheGateway() {
        for (String path : List.of("/internal/users", "/internal/users/" + alice.id() + "/presence", "/internal/presence",
                "/internal/messages/reencrypt", "/internal/service-token", "/auth/q/health", "/user/q/metrics", "/chat/q/health",
                "/q/openapi", "/q/swagger-ui", "/q/dev-ui", "/chat/../internal/presence", "/chat/%2e%2e/internal/presence",
                "/user/..%2Finternal%2Fusers")) {
            for (String method : List.of("GET", "POST", "PUT")) {
                Response r = at(parley.stack.gatewayUrl(), alice.accessToken()).urlEncodingEnabled(false)
                        .contentType(ContentType.JSON).body("{}").request(method, path);
                assertTrue(r.statusCode() == 404 || r.statusCode() == 400, method + " " + path + " -> " + r.statusCode());
                assertProblem(r, method + " " + path);
            }
        }
    }

    // ---- input ----

    @Test
    @Order(7)
    void operatorsAndDottedKeysInEveryFieldAreRefusedAndWriteNothing() {
        Map<String, Long> before = counts();
        String content = MARKER + " hello";
        Map<String, Map<String, Object>> bodies = new LinkedHashMap<>();
        bodies.put("POST /auth/register", Map.of("username", "mallory_x", "email", "mallory@example.com", "password", Parley.PASSWORD));
        bodies.put("POST /auth/login", Map.of("username", alice.username(), "password", Parley.PASSWORD));
        bodies.put("POST /auth/refresh", Map.of("refreshToken", "x".repeat(43)));
        bodies.put("POST /auth/logout", Map.of("refreshToken", "x".repeat(43)));
        bodies.put("PUT /user/me", Map.of("profilePic", "https://example.com/p.png"));
        bodies.put("PUT /user/status", Map.of("status", "away"));
        bodies.put("POST /chat", Map.of("participantIds", List.of(alice.id()), "name", "g"));
        bodies.put("POST /chat/message", Map.of("chatId", chat, "content", "x", "clientMessageId", "c1"));
        bodies.put("PATCH /chat/message/" + aliceMessage, Map.of("content", "x"));
        bodies.put("POST /chat/" + chat + "/read", Map.of("messageId", aliceMessage));
        List<Object> operators = List.of(Map.of("$ne", ""), Map.of("$gt", ""), nullOperator());
        for (Map.Entry<String, Map<String, Object>> entry : bodies.entrySet()) {
            String[] op = entry.getKey().split(" ");
            for (String field : entry.getValue().keySet()) {
                for (Object operator : operators) {
                    Map<String, Object> body = new LinkedHashMap<>(entry.getValue());
                    body.put(field, operator);
                    expect4xx(parley.as(eve).contentType(ContentType.JSON).body(body).request(op[0], op[1]),
                            entry.getKey() + " " + field + "=" + operator);
                }
            }
            for (String key : List.of("$where", "a.b", "$set")) {
                Map<String, Object> nested = new LinkedHashMap<>(entry.getValue());
                nested.put(entry.getValue().keySet().iterator().next(), Map.of(key, "x"));
                expect4xx(parley.as(eve).contentType(ContentType.JSON).body(nested).request(op[0], op[1]),
                        entry.getKey() + " nested key " + key);
            }
        }
        assertEquals(before, counts(), "refused requests wrote nothing");
        parley.as(alice).get("/chat/" + chat).then().statusCode(200).body("messages[0].content", equalTo(content));
        // unknown fields are ignored, not refused (a known gap, docs/security.md): they reach nothing that is stored
        parley.as(eve).contentType(ContentType.JSON).body(Map.of("profilePic", "https://example.com/e.png",
                "username", Map.of("$ne", ""), "email", "taken@example.com", "_id", alice.id())).put("/user/me").then().statusCode(200);
        parley.as(eve).get("/user/me").then().statusCode(200).body("username", equalTo(eve.username()))
                .body("email", equalTo(eve.username() + "@example.com")).body("id", equalTo(eve.id()));
        parley.as(alice).get("/user/me").then().statusCode(200).body("username", equalTo(alice.username()));
    }

    @Test
    @Order(8)
    void malformedBodiesAndPagingAreClearProblemsAndWriteNothing() throws Exception {
        Map<String, Long> before = counts();
        for (String base : List.of(parley.stack.gatewayUrl(), direct.get("chat-service"))) {
            RequestSpecification send = at(base, eve.accessToken());
            expectStatus(send.contentType(ContentType.JSON).body("{\"a\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}")
                    .post("/chat/message"), 400, "nested 10,000 deep at " + base);
            expectStatus(at(base, eve.accessToken()).contentType("application/json")
                    .body(new byte[] {'{', '"', 'c', 'o', 'n', 't', 'e', 'n', 't', '"', ':', '"', (byte) 0xC3, 0x28, '"', '}'})
                    .post("/chat/message"), 400, "invalid UTF-8 at " + base);
            for (String type : List.of("text/plain", "application/xml", "application/x-www-form-urlencoded")) {
                expectStatus(at(base, eve.accessToken()).contentType(type).body("{\"chatId\":\"" + chat + "\",\"content\":\"x\"}")
                        .post("/chat/message"), 415, type + " at " + base);
            }
            for (String limit : List.of("-1", "0", "101", "2147483648", "99999999999999999999", "abc")) {
                expectStatus(at(base, alice.accessToken()).urlEncodingEnabled(false).get("/chat/" + chat + "?limit=" + limit), 400,
                        "history limit " + limit + " at " + base);
            }
            expectStatus(at(base, alice.accessToken()).queryParam("before", "garbage!").get("/chat/" + chat), 400,
                    "history cursor at " + base);
        }
        for (String limit : List.of("-1", "0", "51", "99999999999")) {
            expectStatus(parley.as(eve).urlEncodingEnabled(false).get("/user?search=ali&limit=" + limit), 400, "search limit " + limit);
        }
        // over the route's limit: 413 problem at the gateway
        expectStatus(parley.as(eve).contentType(ContentType.JSON).body("{\"content\":\"" + "x".repeat(70_000) + "\"}")
                .post("/chat/message"), 413, "70 KB to chat");
        expectStatus(parley.api().contentType(ContentType.JSON).body("{\"username\":\"" + "x".repeat(20_000) + "\"}")
                .post("/auth/login"), 413, "20 KB to auth");
        expectStatus(parley.as(eve).contentType(ContentType.JSON).body("{\"username\":\"" + "x".repeat(20_000) + "\"}")
                .put("/user/me"), 413, "20 KB to user");
        // unknown fields: refused, or ignored and never stored (read back below)
        Response unknown = parley.as(alice).contentType(ContentType.JSON)
                .body(Map.of("chatId", chat, "content", "x", "senderId", eve.id(), "seq", 1, "isAdmin", true)).post("/chat/message");
        if (unknown.statusCode() / 100 == 2) {
            assertEquals(alice.id(), unknown.path("senderId"), "a client cannot choose the sender");
            before.merge("chat.messages", 1L, Long::sum);
        } else {
            expect4xx(unknown, "unknown fields");
        }
        assertEquals(before, counts(), "refused requests wrote nothing");
    }

    @Test
    @Order(9)
    void badFramesGetErrorsAndAnOversizedOneCloses1009() throws Exception {
        Map<String, Long> before = counts();
        try (TestSocket socket = TestSocket.connect(parley.vertx, parley.ws(), eve.accessToken())) {
            assertError(socket, socket.send("message:send", Map.of("chatId", Map.of("$ne", ""), "content", "x")), "validation_failed");
            assertError(socket, socket.send("message:send", Map.of("chatId", chat, "content", Map.of("$gt", ""))), "validation_failed");
            assertError(socket, socket.send("sync", Map.of("chats", List.of(Map.of("chatId", nullOperator(), "seq", 0)))),
                    "validation_failed");
            socket.sendRaw("{\"event\":\"sync\",\"id\":\"deep\",\"data\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}");
            // too deep to parse, so too deep to read its id from: the error names no ref
            socket.await(f -> "error".equals(f.getString("event")) && "bad_json".equals(f.getJsonObject("data").getString("code")),
                    "bad_json for a frame nested 10,000 deep");
            socket.sendRaw("not json");
            socket.drain();
            socket.sendRaw("{\"event\":\"message:send\",\"id\":\"big\",\"data\":{\"content\":\"" + "x".repeat(70_000) + "\"}}");
            assertEquals(1009, socket.awaitClose());
        }
        try (TestSocket socket = TestSocket.connect(parley.vertx, URI.create(direct.get("chat-service").replace("http", "ws") + "/ws"),
                eve.accessToken())) {
            socket.sendRaw("{\"event\":\"message:send\",\"id\":\"big\",\"data\":{\"content\":\"" + "x".repeat(70_000) + "\"}}");
            // chat-service's own limit drops the connection with no close frame (a known gap, docs/security.md; the gateway says 1009)
            int code = socket.awaitClose();
            assertTrue(code == 1009 || code == -1, "closed by chat-service's own limit: " + code);
        }
        assertEquals(before, counts(), "refused frames wrote nothing");
    }

    // ---- abuse ----

    @Test
    @Order(10)
    void guessingOnePasswordIsThrottledPerAccount() {
        Account victim = remember(parley.register("victim"));
        for (int i = 0; i < 5; i++) {
            Response free = guess(parley.stack.gatewayUrl(), victim, "guess " + i);
            assertEquals(401, free.statusCode(), "the first guesses are checked: " + free.asString());
        }
        // beyond the free attempts, guesses at once, through the gateway and at auth-service directly: one is checked,
        // the others are refused before any bcrypt work, whichever door they came through (the limit is per account)
        ExecutorService atOnce = Executors.newFixedThreadPool(8);
        List<CompletableFuture<Response>> viaGateway = new ArrayList<>();
        List<CompletableFuture<Response>> viaAuth = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String password = "burst " + i;
            viaGateway.add(CompletableFuture.supplyAsync(() -> guess(parley.stack.gatewayUrl(), victim, password), atOnce));
            viaAuth.add(CompletableFuture.supplyAsync(() -> guess(direct.get("auth-service"), victim, password), atOnce));
        }
        atOnce.shutdown();
        long gatewayThrottled = throttled(viaGateway);
        long authThrottled = throttled(viaAuth);
        assertTrue(gatewayThrottled >= 3 && authThrottled >= 3, "of 8 guesses at once at most one is checked: gateway "
                + gatewayThrottled + ", auth-service " + authThrottled + " refused");
    }

    /** How many of these guesses got 429 too_many_attempts (with Retry-After); the rest must be plain 401s. */
    private static long throttled(List<CompletableFuture<Response>> guesses) {
        long refused = 0;
        for (var f : guesses) {
            Response r = f.join();
            assertTrue(r.statusCode() == 401 || r.statusCode() == 429, r.asString());
            if (r.statusCode() == 429) {
                assertProblem(r, "throttled guess");
                assertEquals("too_many_attempts", r.path("code"));
                assertTrue(r.header("Retry-After") != null, "Retry-After says when");
                refused++;
            }
        }
        return refused;
    }

    @Test
    @Order(11)
    void aFrameFloodClosesWith1008() throws Exception {
        try (TestSocket socket = TestSocket.connect(parley.vertx, parley.ws(), bob.accessToken())) {
            for (int i = 0; i < 400; i++) {
                socket.sendRaw("{\"event\":\"user:typing\",\"data\":{\"chatId\":\"" + chat + "\",\"typing\":true}}");
            }
            assertEquals(1008, socket.awaitClose());
        }
    }

    @Test
    @Order(12)
    void theEleventhSocketOfOneUserIsRefused() throws Exception {
        Account many = remember(parley.register("many"));
        List<TestSocket> open = new ArrayList<>();
        try {
            for (int i = 0; i < 10; i++) {
                open.add(TestSocket.connect(parley.vertx, parley.ws(), many.accessToken()));
            }
            Exception refused = assertThrows(Exception.class, () -> TestSocket.connect(parley.vertx, parley.ws(), many.accessToken()));
            assertTrue(refused.toString().contains("429"), refused.toString());
            Response upgrade = parley.as(many).header("Connection", "Upgrade").header("Upgrade", "websocket")
                    .header("Sec-WebSocket-Version", "13").header("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==").get("/ws");
            assertEquals(429, upgrade.statusCode());
            assertEquals("too_many_sockets", upgrade.path("code"));
        } finally {
            for (TestSocket s : open) {
                s.close();
            }
        }
    }

    @Test
    @Order(13)
    void aCrossOriginSocketIsRefused() {
        for (String base : List.of(parley.ws().toString(), direct.get("chat-service").replace("http", "ws") + "/ws")) {
            Exception refused = assertThrows(Exception.class, () -> TestSocket.connect(parley.vertx, URI.create(base),
                    Map.of("Authorization", "Bearer " + alice.accessToken(), "Origin", "https://evil.example")));
            assertTrue(refused.toString().contains("403"), base + ": " + refused);
        }
    }

    // ---- secrets ----

    @Test
    @Order(100)
    void noLogHoldsATokenPasswordMessageOrKeyAndNoAnswerLeakedInternals() throws Exception {
        List<String> forbidden = new ArrayList<>(SECRETS);
        forbidden.add(Parley.PASSWORD);
        forbidden.add(MARKER);
        String pem = Files.readString(data().resolve("auth").resolve("signing-key.pem"));
        forbidden.add(pem.split("\n")[1]);
        forbidden.add(Files.readString(data().resolve("chat").resolve("message-key")).trim());
        try (var logs = Files.list(data().resolve("logs"))) {
            for (Path log : logs.toList()) {
                String text = Files.readString(log, StandardCharsets.ISO_8859_1);
                for (String secret : forbidden) {
                    assertFalse(text.contains(secret), log.getFileName() + " contains "
                            + (secret.length() > 12 ? secret.substring(0, 12) + "..." : secret));
                }
            }
        }
        assertTrue(BODIES.size() > 200, "answers recorded: " + BODIES.size());
        synchronized (BODIES) {
            for (String body : BODIES) {
                for (String leak : List.of("at dev.parley", "Exception", "localhost:8", "127.0.0.1:", "at io.quarkus", "at io.vertx")) {
                    assertFalse(body.contains(leak), "an answer contains " + leak + ": " + body);
                }
            }
        }
    }

    // ---- helpers ----

    /** {@code {"$ne": null}} (Map.of takes no null). */
    private static Map<String, Object> nullOperator() {
        Map<String, Object> operator = new LinkedHashMap<>();
        operator.put("$ne", null);
        return operator;
    }

    private static Path data() {
        return Path.of("target", "e2e-attack").toAbsolutePath();
    }

    private static Account remember(Account account) {
        SECRETS.add(account.accessToken());
        SECRETS.add(account.refreshToken());
        return account;
    }

    private static RequestSpecification at(String base, String token) {
        RequestSpecification spec = RestAssured.given().baseUri(base);
        return token == null ? spec : spec.header("Authorization", "Bearer " + token);
    }

    private static Response guess(String base, Account account, String password) {
        return at(base, null).contentType(ContentType.JSON).body(Map.of("username", account.username(), "password", password))
                .post("/auth/login");
    }

    private static Response refresh(String token) {
        return at(parley.stack.gatewayUrl(), null).contentType(ContentType.JSON).body(Map.of("refreshToken", token))
                .post("/auth/refresh");
    }

    private static Map<String, Long> counts() {
        Map<String, Long> counts = new LinkedHashMap<>();
        try (MongoClient client = MongoClients.create(parley.stack.storeUri())) {
            for (String name : List.of("auth.credentials", "auth.refresh_tokens", "users.users", "chat.chats", "chat.messages")) {
                String[] db = name.split("\\.");
                counts.put(name, client.getDatabase(db[0]).getCollection(db[1]).countDocuments(new Document()));
            }
        }
        return counts;
    }

    private static void assertProblem(Response r, String what) {
        assertTrue(r.contentType().startsWith("application/problem+json"), what + ": " + r.contentType() + " " + r.asString());
        assertEquals(r.statusCode(), (int) r.path("status"), what);
        assertTrue(r.path("code") instanceof String, what + ": " + r.asString());
    }

    private static void expectRefused(Response r, String what, int... statuses) {
        boolean ok = false;
        for (int s : statuses) {
            ok |= r.statusCode() == s;
        }
        assertTrue(ok, what + " -> " + r.statusCode() + " " + r.asString());
        assertProblem(r, what);
        assertTrue(List.of("not_a_participant", "chat_not_found", "message_not_found").contains(r.path("code")), what + ": " + r.asString());
    }

    private static void expect4xx(Response r, String what) {
        assertEquals(4, r.statusCode() / 100, what + " -> " + r.statusCode() + " " + r.asString());
        assertProblem(r, what);
    }

    private static void expectStatus(Response r, int status, String what) {
        assertEquals(status, r.statusCode(), what + ": " + r.asString());
        assertProblem(r, what);
    }

    private static void assertError(TestSocket socket, String id, String code) throws InterruptedException {
        JsonObject reply = socket.reply(id);
        assertEquals("error", reply.getString("event"), reply.encode());
        assertEquals(code, reply.getJsonObject("data").getString("code"), reply.encode());
    }
}
