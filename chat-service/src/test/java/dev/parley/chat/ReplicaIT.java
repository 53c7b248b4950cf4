package dev.parley.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import dev.parley.testsupport.TestRedis;
import dev.parley.testsupport.TestSocket;
import dev.parley.testsupport.TestTokens;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/**
 * Two chat-service processes (the packaged application) on one store and one real Redis (a
 * redis-server of this test's own, {@link RedisProcess}, so its command counts are this test's):
 * users connected to different replicas chat both ways, an event crosses to the other replica in one
 * PUBLISH whatever the number of recipients, presence holds across replicas, and when one replica is
 * killed (kill -9, no socket closed) its users go offline for their contacts on the other.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReplicaIT {

    /** Short presence leases, so the kill is noticed quickly: a dead replica's users are offline within two. */
    private static final Duration LEASE = Duration.ofSeconds(4);

    private static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");
    private static MongoServer store;
    private static RedisProcess redis;
    private static Process first;
    private static Process second;
    private static int firstPort;
    private static int secondPort;
    private static Vertx vertx;

    @BeforeAll
    static void startTwoReplicas() throws Exception {
        store = new MongoServer(new MemoryBackend());
        store.bind("127.0.0.1", 0);
        String mongo = "mongodb://127.0.0.1:" + store.getLocalAddress().getPort();
        redis = RedisProcess.startOnFreePort();
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        String messageKey = Base64.getEncoder().encodeToString(key);
        String prefix = "parley-it-" + System.nanoTime();
        firstPort = TestRedis.freePort();
        secondPort = TestRedis.freePort();
        first = start("first", firstPort, mongo, redis.uri(), messageKey, prefix);
        second = start("second", secondPort, mongo, redis.uri(), messageKey, prefix);
        awaitReady(first, firstPort);
        awaitReady(second, secondPort);
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stopAll() throws Exception {
        for (Process p : new Process[] { first, second }) {
            if (p != null) {
                p.destroy();
                if (!p.waitFor(15, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
        }
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        if (store != null) {
            store.shutdownNow();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    @Order(1)
    void usersOnDifferentReplicasChatBothWaysAndSeeEachOthersPresence() throws Exception {
        TestUser ann = TestUser.create("ann");
        TestUser ben = TestUser.create("ben");
        String chat = RestAssured.given().baseUri("http://127.0.0.1:" + firstPort).auth().oauth2(ann.token())
                .contentType(ContentType.JSON).body(Map.of("participantIds", List.of(ben.id())))
                .post("/chat").then().statusCode(201).extract().path("id");

        try (TestSocket annOnFirst = TestSocket.connect(vertx, ws(firstPort), ann.token())) {
            annOnFirst.drain();
            try (TestSocket benOnSecond = TestSocket.connect(vertx, ws(secondPort), ben.token())) {
                assertEquals("online", annOnFirst.await(f -> "user:status".equals(f.getString("event")), "ben online")
                        .getJsonObject("data").getString("status"));

                annOnFirst.reply(annOnFirst.send("message:send", Map.of("chatId", chat, "content", "from the first replica")));
                JsonObject atBen = benOnSecond.await("message:receive").getJsonObject("data").getJsonObject("message");
                assertEquals("from the first replica", atBen.getString("content"));

                benOnSecond.reply(benOnSecond.send("message:send", Map.of("chatId", chat, "content", "and back")));
                assertEquals("and back", annOnFirst.await("message:receive").getJsonObject("data")
                        .getJsonObject("message").getString("content"));

                // a second socket of ben's on the other replica: closing one of them is not "offline"
                try (TestSocket benOnFirst = TestSocket.connect(vertx, ws(firstPort), ben.token())) {
                    benOnFirst.drain();
                }
                benOnSecond.send("user:status", Map.of("status", "away"));
                assertEquals("away", annOnFirst.await(f -> "user:status".equals(f.getString("event")), "ben away")
                        .getJsonObject("data").getString("status"));
            }
            assertEquals("offline", annOnFirst.await(f -> "user:status".equals(f.getString("event")), "ben offline")
                    .getJsonObject("data").getString("status"));
        }
    }

    /**
     * Issue 14 item 5: a message to a 100-member group is one PUBLISH (it was one per member: 100),
     * reaches each member's socket exactly once on either replica, and never the sending socket,
     * while the sender's other socket, on the other replica, gets it (exceptConnection across replicas).
     */
    @Test
    @Order(2)
    void aMessageToAHundredMemberGroupIsOnePublishAndReachesEverySocketOnceOnEitherReplica() throws Exception {
        List<TestUser> members = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            members.add(TestUser.create("member" + i));
        }
        TestUser ann = members.get(0);
        String chat = RestAssured.given().baseUri("http://127.0.0.1:" + firstPort).auth().oauth2(ann.token())
                .contentType(ContentType.JSON).body(Map.of("name", "a hundred",
                        "participantIds", members.stream().skip(1).map(TestUser::id).toList()))
                .post("/chat").then().statusCode(201).extract().path("id");

        // the count first, with no socket open anywhere: nothing else (presence) publishes meanwhile
        long before = redis.publishCalls();
        sendOverRest(firstPort, ann, chat, "counted");
        awaitTrue(() -> publishesSince(before) >= 1, "the message published");
        sendOverRest(secondPort, members.get(1), chat, "counted too");
        awaitTrue(() -> publishesSince(before) >= 2, "the second message published");
        long publishes = publishesSince(before);
        System.out.println("[fan-out] PUBLISH calls for two messages to a 100-member group: " + publishes);
        assertEquals(2, publishes, "one PUBLISH per event, whatever the number of recipients (was one per member)");

        List<TestSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < members.size(); i++) {
                sockets.add(TestSocket.connect(vertx, ws(i % 2 == 0 ? firstPort : secondPort), members.get(i).token()));
            }
            TestSocket annOnFirst = sockets.get(0);
            TestSocket annOnSecond = TestSocket.connect(vertx, ws(secondPort), ann.token());
            sockets.add(annOnSecond);
            for (TestSocket socket : sockets) {
                socket.drain();
            }

            annOnFirst.reply(annOnFirst.send("message:send", Map.of("chatId", chat, "content", "to a hundred")));
            for (TestSocket socket : sockets) {
                if (socket != annOnFirst) {
                    socket.await(f -> isMessage(f, "to a hundred"), "the message at every other socket");
                }
            }
            // a barrier: the second replica's message reaches the first after the first's echo of its own
            annOnSecond.reply(annOnSecond.send("message:send", Map.of("chatId", chat, "content", "from the other side")));
            for (TestSocket socket : sockets) {
                if (socket != annOnSecond) {
                    socket.await(f -> isMessage(f, "from the other side"), "the second message at every other socket");
                }
            }
            for (int i = 0; i < sockets.size(); i++) {
                assertEquals(0, sockets.get(i).count("message:receive"),
                        "socket " + i + " got a message twice, or its own");
            }
        } finally {
            for (TestSocket socket : sockets) {
                socket.close();
            }
        }
    }

    private static void sendOverRest(int port, TestUser from, String chat, String content) {
        RestAssured.given().baseUri("http://127.0.0.1:" + port).auth().oauth2(from.token()).contentType(ContentType.JSON)
                .body(Map.of("chatId", chat, "content", content)).post("/chat/message").then().statusCode(201);
    }

    private static long publishesSince(long before) {
        try {
            return redis.publishCalls() - before;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Not within 10 s: " + what);
            }
            TimeUnit.MILLISECONDS.sleep(20); // polling a condition with a deadline
        }
    }

    private static boolean isMessage(JsonObject frame, String content) {
        return "message:receive".equals(frame.getString("event"))
                && content.equals(frame.getJsonObject("data").getJsonObject("message").getString("content"));
    }

    /** Last: it kills the second replica. */
    @Test
    @Order(3)
    void aKilledReplicasUsersGoOfflineForTheirContactsOnTheOtherReplicaWithinTwoLeases() throws Exception {
        TestUser ann = TestUser.create("ann");
        TestUser ben = TestUser.create("ben");
        RestAssured.given().baseUri("http://127.0.0.1:" + firstPort).auth().oauth2(ann.token())
                .contentType(ContentType.JSON).body(Map.of("participantIds", List.of(ben.id())))
                .post("/chat").then().statusCode(201);
        try (TestSocket annOnFirst = TestSocket.connect(vertx, ws(firstPort), ann.token())) {
            annOnFirst.drain();
            TestSocket benOnSecond = TestSocket.connect(vertx, ws(secondPort), ben.token());
            assertEquals("online", annOnFirst.await(f -> "user:status".equals(f.getString("event"))
                    && ben.id().equals(f.getJsonObject("data").getString("userId")), "ben online")
                    .getJsonObject("data").getString("status"));

            second.destroyForcibly(); // SIGKILL: the replica closes nothing and tells no one
            second.waitFor(10, TimeUnit.SECONDS);
            long killedAt = System.nanoTime();
            assertEquals("offline", annOnFirst.await(f -> "user:status".equals(f.getString("event"))
                    && ben.id().equals(f.getJsonObject("data").getString("userId")), "ben offline")
                    .getJsonObject("data").getString("status"));
            Duration after = Duration.ofNanos(System.nanoTime() - killedAt);
            assertTrue(after.compareTo(LEASE.multipliedBy(2)) <= 0, "offline " + after.toMillis() + " ms after the kill");
            benOnSecond.awaitClose(); // its server is gone
            benOnSecond.close();
        }
    }

    private static URI ws(int port) {
        return URI.create("ws://127.0.0.1:" + port + "/ws");
    }

    private static Process start(String name, int port, String mongo, String redis, String messageKey, String prefix)
            throws IOException {
        Path log = Path.of("target", "replica-" + name + ".log");
        Files.createDirectories(log.getParent());
        return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-Dquarkus.http.port=" + port,
                "-Dquarkus.mongodb.connection-string=" + mongo,
                "-Dquarkus.redis.hosts=" + redis,
                "-Dparley.chat.redis.enabled=true",
                "-Dparley.chat.redis.prefix=" + prefix,
                "-Dparley.chat.redis.presence-lease=" + LEASE,
                "-Dparley.chat.crypto.keys.k1=" + messageKey,
                "-Dmp.jwt.verify.publickey.location=" + TestTokens.jwksFile().toUri(),
                "-Dquarkus.log.console.json.enabled=false",
                "-jar", JAR.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static void awaitReady(Process process, int port) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (true) {
            try {
                HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/q/health/ready")).timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            if (!process.isAlive() || Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("replica on port " + port + " did not become ready; see target/replica-*.log");
            }
            TimeUnit.MILLISECONDS.sleep(200); // waiting for a child process to boot, not for an outcome under test
        }
    }
}
