package dev.parley.e2e;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.function.Executable;

import dev.parley.e2e.FaultLoad.Phase;
import dev.parley.localstack.ServiceProcess;
import io.vertx.core.json.JsonObject;

/**
 * The fault suite (docs/reliability.md, "The fault suite"): a steady chat load through the
 * gateway over two chat-service replicas joined by a private Redis, with clients that reconnect,
 * sync and retry as the protocol says, through one fault after another: a replica killed, the
 * gateway killed, the store stopped, auth-service killed, Redis restarted. After each: every
 * acknowledged message is delivered to its recipient and stored once, every chat numbered 1..N with
 * no gap in every participant's view, no send left unanswered. One table at the end.
 *
 * <p>Phase lengths are system properties (see {@link #setting}); the defaults are the short CI run.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultIT {

    private static final Duration PHASE = setting("parley.faults.phase", "5s");
    private static final Duration REPLICA_DOWN = setting("parley.faults.replica-down", "5s");
    private static final Duration STORE_DOWN = setting("parley.faults.store-down", "10s");
    private static final Duration AUTH_DOWN = setting("parley.faults.auth-down", "10s");
    private static final Duration REDIS_DOWN = setting("parley.faults.redis-down", "2s");
    private static final Duration ACK_TIMEOUT = setting("parley.faults.ack-timeout", "15s");
    private static final Duration SETTLE = setting("parley.faults.settle", "10s");
    private static final Duration DRAIN = setting("parley.faults.drain-timeout", "90s");
    private static final int USERS = Integer.getInteger("parley.faults.users", 8);
    private static final double RATE = Double.parseDouble(System.getProperty("parley.faults.rate", "25"));
    /**
     * Whether live delivery between replicas must resume after Redis restarts: on (the relay
     * reconnects for ever and closes sockets across the outage with 1012 so they sync).
     */
    private static final boolean RELAY_RECONNECTS = Boolean.parseBoolean(
            System.getProperty("parley.faults.expect-relay-reconnect", "true"));
    /**
     * Whether every chat must stay numbered 1..N with no hole through every fault. Off: a number is
     * void when its send was a retry of one stored already (a duplicate ack) and may be unused when
     * the send failed (the store failed, or the replica died, between reserving the number and
     * storing the message); the sync steps over both (docs/reliability.md). Off,
     * the suite asserts that every hole is one of those: holes <= duplicate acks + failed sends + messages the
     * restarted replica numbered at start-up.
     */
    private static final boolean DENSE_NUMBERS = Boolean.getBoolean("parley.faults.expect-dense-numbers");
    /**
     * Whether the gateway always closes a client's socket when the chat-service replica behind it is
     * killed: on (the gateway's own tunnel closes the client with 1012 {@code upstream_lost} when
     * the replica's connection ends without a close, reset included), so every attempt on such a
     * socket is answered or its socket closes. {@code -Dparley.faults.expect-tunnel-close=false}
     * only counts unanswered attempts on sockets opened before the kill instead of failing on them.
     */
    private static final boolean TUNNEL_CLOSES = Boolean.parseBoolean(
            System.getProperty("parley.faults.expect-tunnel-close", "true"));
    /**
     * chat-service's presence lease here (production: 15 s), so that the presence checks take
     * seconds: a killed replica's users must be offline, and back online, within two of them.
     */
    private static final Duration LEASE = setting("parley.faults.presence-lease", "4s");

    static {
        // the test runs the store: keep its per-connection lines off the console
        System.setProperty("org.slf4j.simpleLogger.log.de.bwaldvogel", "warn");
    }

    private static final long STARTED = System.nanoTime();
    private static PrivateRedis redis;
    private static PrivateStore store;
    private static Parley parley;
    private static FaultLoad load;
    private static final List<String> notes = new ArrayList<>();

    @BeforeAll
    static void startTheStackAndTheLoad() throws Exception {
        Path target = Path.of("target").toAbsolutePath();
        Path storeDir = target.resolve("e2e-faults-store");
        deleteTree(storeDir);
        redis = PrivateRedis.start(target.resolve("e2e-faults-redis.log"));
        store = PrivateStore.start(storeDir);
        parley = Parley.start("faults", 700, 2, redis.uri(), store.uri(),
                java.util.Map.of("parley.chat.redis.presence-lease", "PT" + LEASE.toMillis() / 1000.0 + "S"));
        load = FaultLoad.start(parley, USERS, RATE, ACK_TIMEOUT);
        assertTrue(FaultLoad.awaitTrue(() -> load.clients.stream().allMatch(FaultClient::connected), Duration.ofSeconds(30)),
                "every client connected");
        System.out.printf(Locale.ROOT, "%nFault suite: %d users, %.0f msg/s, phase %s, stack up after %.0f s%n", USERS, RATE,
                PHASE, seconds(System.nanoTime() - STARTED));
    }

    @AfterAll
    static void stopEverything() throws Exception {
        try {
            if (load != null) {
                System.out.println(table(load.phases));
                notes.forEach(n -> System.out.println("  " + n));
                System.out.printf(Locale.ROOT, "Fault suite took %.0f s%n", seconds(System.nanoTime() - STARTED));
                load.close();
            }
        } finally {
            try {
                if (parley != null) {
                    parley.close();
                }
            } finally {
                if (store != null) {
                    store.close();
                }
                if (redis != null) {
                    redis.close();
                }
            }
        }
    }

    @Test
    @Order(1)
    void aChatReplicaKilled() throws Exception {
        // its clients reconnect through the gateway, which now takes them to the other replica; it is
        // started again after REPLICA_DOWN (clients that moved stay where they are until they reconnect)
        Phase phase = load.begin("kill -9 chat-service-1, restart after " + human(REPLICA_DOWN));
        // presence: a user whose only socket is on the replica that dies, watched by a contact
        Presence absent = Presence.onReplica("chat-service-1");
        hold(PHASE);
        load.faultNow(phase);
        kill9("chat-service-1");
        long killed = System.nanoTime();
        Duration offlineAfter = absent.awaitStatus("offline", LEASE.multipliedBy(2));
        hold(REPLICA_DOWN.minusNanos(System.nanoTime() - killed));
        phase.startUpNumbered += restart("chat-service-1");
        load.recoveredNow(phase);
        Duration onlineAfter = absent.reconnectThroughTheGateway().awaitStatus("online", LEASE.multipliedBy(2));
        hold(PHASE);
        load.drainAndCheck(phase, DRAIN, SETTLE);
        notes.add(String.format(Locale.ROOT, "presence (lease %s): the killed replica's user shown offline after %s, online again"
                + " %s after reconnecting", human(LEASE), show(offlineAfter), show(onlineAfter)));
        assertAll("replica killed",
                () -> assertPhase(phase, true, !TUNNEL_CLOSES),
                () -> assertTrue(offlineAfter != null, "a user whose replica died is offline within two leases ("
                        + human(LEASE.multipliedBy(2)) + ")"),
                () -> assertTrue(onlineAfter != null, "and online again within two leases of reconnecting"));
    }

    private static String show(Duration d) {
        return d == null ? "NEVER (within two leases)" : String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }

    /**
     * A user with one socket straight to one chat-service replica (so it does not move when that
     * replica dies), and a contact who reads their status through the gateway.
     */
    private static final class Presence {
        final Parley.Account user;
        final Parley.Account contact;
        io.vertx.core.http.WebSocket socket;

        private Presence(Parley.Account user, Parley.Account contact) {
            this.user = user;
            this.contact = contact;
        }

        static Presence onReplica(String replica) throws Exception {
            Presence p = new Presence(parley.register("absent"), parley.register("watcher"));
            parley.directChat(p.contact, p.user);
            URI url = URI.create(service(replica).url());
            // not a browser: no Origin header (Vert.x sends one unless told not to, and chat-service allows only the gateway's)
            p.socket = open(new io.vertx.core.http.WebSocketConnectOptions().setHost(url.getHost()).setPort(url.getPort())
                    .setAllowOriginHeader(false).setURI("/ws?access_token=" + p.user.accessToken()));
            assertTrue(p.awaitStatus("online", LEASE.multipliedBy(2)) != null, "online once its socket is open");
            return p;
        }

        Presence reconnectThroughTheGateway() throws Exception {
            URI url = URI.create(parley.stack.gatewayUrl());
            socket = open(new io.vertx.core.http.WebSocketConnectOptions().setHost(url.getHost()).setPort(url.getPort())
                    .setAllowOriginHeader(false).setURI("/ws").addHeader("Authorization", "Bearer " + parley.login(user.username()).accessToken()));
            return this;
        }

        private static io.vertx.core.http.WebSocket open(io.vertx.core.http.WebSocketConnectOptions options) throws Exception {
            return parley.vertx.createWebSocketClient().connect(options).toCompletionStage().toCompletableFuture()
                    .get(10, TimeUnit.SECONDS);
        }

        /** How long until the contact sees {@code status} for the user (polled), or null if not within {@code limit}. */
        Duration awaitStatus(String status, Duration limit) throws InterruptedException {
            long start = System.nanoTime();
            boolean seen = FaultLoad.awaitTrue(() -> {
                try {
                    return status.equals(parley.as(contact).get("/user/" + user.id()).then().extract().path("status"));
                } catch (RuntimeException e) {
                    return false; // the gateway or user-service answering badly for a moment
                }
            }, limit);
            return seen ? Duration.ofNanos(System.nanoTime() - start) : null;
        }
    }

    @Test
    @Order(2)
    void theGatewayKilled() throws Exception {
        Phase phase = load.begin("kill -9 gateway, start again at once");
        hold(PHASE);
        load.faultNow(phase);
        kill9("gateway");
        restart("gateway");
        load.recoveredNow(phase);
        hold(PHASE);
        load.drainAndCheck(phase, DRAIN, SETTLE);
        assertPhase(phase, true);
    }

    @Test
    @Order(3)
    void theStoreStopped() throws Exception {
        Phase phase = load.begin("store stopped " + human(STORE_DOWN));
        hold(PHASE);
        load.faultNow(phase);
        store.stop();
        hold(STORE_DOWN);
        store.start();
        load.recoveredNow(phase);
        hold(PHASE);
        load.drainAndCheck(phase, DRAIN, SETTLE);
        assertPhase(phase, true);
    }

    @Test
    @Order(4)
    void authServiceKilled() throws Exception {
        Phase phase = load.begin("kill -9 auth-service for " + human(AUTH_DOWN));
        hold(PHASE);
        load.faultNow(phase);
        long down = System.nanoTime();
        kill9("auth-service");
        SignIn first = signIn();
        // a socket opened meanwhile works: the gateway and chat-service check tokens with the keys they have
        FaultClient mover = load.clients.get(0);
        int connectsBefore = mover.connects;
        mover.dropSocket();
        boolean reconnected = FaultLoad.awaitTrue(() -> mover.connects > connectsBefore && mover.connected(), Duration.ofSeconds(10));
        hold(AUTH_DOWN.minusNanos(System.nanoTime() - down));
        SignIn last = signIn();
        restart("auth-service");
        load.recoveredNow(phase);
        int ackedWhileDown = phase.ackedDuringFault;
        hold(PHASE);
        load.drainAndCheck(phase, DRAIN, SETTLE);
        notes.add("auth-service down: sign-ins answered " + first + " and " + last + "; " + ackedWhileDown
                + " sends acknowledged meanwhile; a socket dropped meanwhile " + (reconnected ? "reconnected" : "did NOT reconnect"));
        assertAll("auth-service down",
                () -> assertPhase(phase, true),
                first::assertClear503,
                last::assertClear503,
                () -> assertTrue(ackedWhileDown > 0, "sends go on while auth-service is down"),
                () -> assertTrue(reconnected, "a socket opened while auth-service is down works"));
    }

    @Test
    @Order(5)
    void redisRestarted() throws Exception {
        Phase phase = load.begin("Redis killed, started again after " + human(REDIS_DOWN));
        hold(PHASE);
        load.faultNow(phase);
        redis.kill();
        hold(REDIS_DOWN);
        redis.start();
        load.recoveredNow(phase);
        hold(PHASE);
        load.drainAndCheck(phase, DRAIN, SETTLE);
        if (!RELAY_RECONNECTS) {
            notes.add("Redis phase: 'stranded == 0' (live delivery between replicas resumes) is not asserted on this branch;"
                    + " measured stranded = " + phase.stranded + ". Enable with -Dparley.faults.expect-relay-reconnect=true"
                    + " once the reconnecting relay is merged.");
        }
        assertPhase(phase, RELAY_RECONNECTS);
    }

    // ---------------------------------------------------------------- the checks

    private static void assertPhase(Phase p, boolean strandedMustBeZero) {
        assertPhase(p, strandedMustBeZero, false);
    }

    /** @param tunnelMayHang whether unanswered attempts on a socket opened before the fault are a known defect here */
    private static void assertPhase(Phase p, boolean strandedMustBeZero, boolean tunnelMayHang) {
        System.out.println(table(List.of(p)));
        p.problems.stream().limit(40).forEach(s -> System.out.println("    " + s));
        p.failures.forEach((what, n) -> System.out.println("    attempt failed: " + what + " x" + n));
        List<Executable> checks = new ArrayList<>(List.of(
                () -> assertEquals(0, p.unacked, p.name + ": sends never acknowledged (the clients kept retrying)"),
                () -> assertEquals(0, p.lost, p.name + ": acknowledged but not delivered after the final sync"),
                () -> assertEquals(0, p.duplicated, p.name + ": stored twice (one sender, one clientMessageId, two ids)"),
                () -> assertEquals(0, p.mismatchedAcks, p.name + ": a retry acknowledged with another message id"),
                () -> assertEquals(0, p.notStored, p.name + ": acknowledged but not in history"),
                () -> assertEquals(0, p.badChats, p.name + ": chats whose history has a message twice, or unnumbered: " + p.problems),
                () -> assertEquals(0, p.gappedViews, p.name + ": participants' views that are not exactly their chat's history"),
                () -> assertEquals(0, p.silent - (tunnelMayHang ? p.silentOnOldSocket : 0), p.name
                        + ": attempts that got neither an ack, an error nor a close within " + human(ACK_TIMEOUT)
                        + (tunnelMayHang ? " (besides " + p.silentOnOldSocket + " on sockets the gateway left open)" : ""))));
        if (DENSE_NUMBERS) {
            checks.add(() -> assertEquals(0, p.holes, p.name + ": numbers missing from chats (1..N with no gap): " + p.problems));
        } else {
            // a send that got an error or whose socket closed first may have taken a number on a
            // replica that died (or lost its store) before storing the message
            checks.add(() -> assertTrue(p.holes <= p.duplicateAcks + p.errors + p.closes + p.startUpNumbered, p.name + ": " + p.holes
                    + " number(s) missing from chats, more than the " + p.duplicateAcks + " duplicate ack(s), "
                    + (p.errors + p.closes) + " failed or cut-off send(s) and " + p.startUpNumbered + " start-up numbering(s) that can explain them: " + p.problems));
        }
        if (strandedMustBeZero) {
            checks.add(() -> assertEquals(0, p.stranded, p.name + ": acknowledged messages the recipient had not got by its own"
                    + " means (live, or its sync after a reconnect or a gap) " + human(SETTLE) + " after the load stopped"));
        }
        assertAll(p.name, checks.stream());
    }

    /** One sign-in through the gateway: how it was answered and how long that took. */
    private record SignIn(int status, String contentType, String code, double seconds, String failure) {

        void assertClear503() {
            assertAll(
                    () -> assertEquals(null, failure, "sign-in answered at all"),
                    () -> assertEquals(503, status, "sign-in while auth-service is down: " + this),
                    () -> assertTrue(String.valueOf(contentType).startsWith("application/problem+json"), "a problem: " + this),
                    () -> assertTrue(seconds < 5, "answered quickly: " + this));
        }

        @Override
        public String toString() {
            return failure != null ? failure + " after " + String.format(Locale.ROOT, "%.1f s", seconds)
                    : status + " " + code + " in " + String.format(Locale.ROOT, "%.2f s", seconds);
        }
    }

    private static SignIn signIn() throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(parley.stack.gatewayUrl() + "/auth/login"))
                .timeout(Duration.ofSeconds(20)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("username", load.clients.get(1).account.username())
                        .put("password", Parley.PASSWORD).encode())).build();
        long start = System.nanoTime();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            String code;
            try {
                code = new JsonObject(response.body()).getString("code");
            } catch (RuntimeException e) {
                code = "(not JSON)";
            }
            return new SignIn(response.statusCode(), response.headers().firstValue("Content-Type").orElse(null), code,
                    seconds(System.nanoTime() - start), null);
        } catch (IOException e) {
            return new SignIn(-1, null, null, seconds(System.nanoTime() - start), e.toString());
        }
    }

    // ---------------------------------------------------------------- faults

    /** SIGKILL to a process this test started (by its id), and waits until it is gone. */
    static void kill9(long pid) throws Exception {
        if (pid <= 0) {
            throw new IllegalStateException("not running");
        }
        Process kill = new ProcessBuilder("kill", "-KILL", Long.toString(pid)).redirectErrorStream(true).start();
        assertTrue(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0, "kill -KILL " + pid);
        var handle = ProcessHandle.of(pid);
        if (handle.isPresent()) {
            handle.get().onExit().get(10, TimeUnit.SECONDS);
        }
    }

    private static void kill9(String service) throws Exception {
        kill9(service(service).pid());
    }

    /** Starts a killed service again (its log from before the kill is kept beside the new one). */
    private static int restart(String service) throws Exception {
        Path logs = Path.of("target", "e2e-faults", "logs");
        Path log = logs.resolve(service + ".log");
        if (Files.exists(log)) {
            Files.copy(log, logs.resolve(service + ".before-kill-" + System.currentTimeMillis() + ".log"),
                    StandardCopyOption.REPLACE_EXISTING);
        }
        parley.stack.restart(service);
        // what a restarted chat-service numbered at start-up (a crash's leftovers, or another replica's in-flight message)
        Matcher numbered = Pattern.compile("Numbered (\\d+) message\\(s\\) that had no seq").matcher(
                Files.exists(log) ? Files.readString(log) : "");
        int n = 0;
        while (numbered.find()) {
            n += Integer.parseInt(numbered.group(1));
        }
        return n;
    }

    private static ServiceProcess service(String name) {
        return parley.stack.services().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    /** Holds a phase (the load keeps running meanwhile): pacing, not waiting for something. */
    private static void hold(Duration duration) throws InterruptedException {
        if (!duration.isNegative()) {
            TimeUnit.MILLISECONDS.sleep(duration.toMillis());
        }
    }

    // ---------------------------------------------------------------- the table

    static String table(List<Phase> phases) {
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
                "%n%-42s %5s %5s %6s %5s %4s %3s %7s %7s %7s %6s %4s %5s %6s %5s %6s %8s %8s%n", "fault", "sent", "acked", "deliv",
                "live", "lost", "dup", "retried", "err/cls", "sil", "strand", "gaps", "holes", "dupAck", "rest", "reconn",
                "1st ack", "all ack"));
        for (Phase p : phases) {
            out.append(String.format(Locale.ROOT, "%-42s %5d %5d %6d %5d %4d %3d %7d %7s %7s %6d %4d %5d %6d %5d %6d %8s %8s%n",
                    p.name.length() > 42 ? p.name.substring(0, 42) : p.name, p.sent, p.acked, p.delivered(), p.deliveredLive,
                    p.lost, p.duplicated, p.retriedSends, p.errors + "/" + p.closes,
                    p.silent + (p.silentOnOldSocket > 0 ? "(" + p.silentOnOldSocket + ")" : ""), p.stranded, p.gappedViews,
                    p.holes, p.duplicateAcks, p.ackedOverRest, p.reconnects, since(p, p.firstAck), since(p, p.allFlowing)));
        }
        return out.toString();
    }

    private static String since(Phase p, long at) {
        return p.faultAt < 0 || at < 0 ? "-" : String.format(Locale.ROOT, "%.1f s", seconds(at - p.faultAt));
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    private static String human(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    /** A duration from a system property: {@code 5s}, {@code 500ms}, {@code 2m}, or ISO-8601 ({@code PT5S}). */
    static Duration setting(String property, String fallback) {
        String value = System.getProperty(property, fallback).trim();
        Matcher m = Pattern.compile("(\\d+)(ms|s|m)").matcher(value);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                default -> Duration.ofMinutes(n);
            };
        }
        return Duration.parse(value);
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
