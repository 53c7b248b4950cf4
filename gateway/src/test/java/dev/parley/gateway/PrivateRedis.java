package dev.parley.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.parley.testsupport.TestRedis;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A redis-server of the test's own on a free port (never the machine's shared one on 6379), which
 * the test may stop (that process, by its PID) and start again on the same port; and a minimal
 * client for the test's own commands. As a Quarkus test resource it turns the gateway's shared
 * limits on against it and injects itself into the test's {@code PrivateRedis} field.
 */
public final class PrivateRedis implements AutoCloseable {

    private final int port;
    private Process process;

    private PrivateRedis(int port) {
        this.port = port;
    }

    public static PrivateRedis startOnFreePort() {
        PrivateRedis redis = new PrivateRedis(TestRedis.freePort());
        redis.start();
        return redis;
    }

    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    public synchronized void start() {
        try {
            process = new ProcessBuilder("redis-server", "--bind", "127.0.0.1", "--port", String.valueOf(port),
                    "--save", "", "--appendonly", "no").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            throw new IllegalStateException("redis-server not installed", e);
        }
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        while (!answersPing()) {
            if (!process.isAlive() || Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("redis-server did not start on port " + port);
            }
            Thread.onSpinWait();
        }
    }

    /** SIGKILL to this redis-server (by its PID), and waits until it is gone. */
    public synchronized void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("redis-server " + process.pid() + " did not die");
        }
    }

    /** Sends one command; returns the first line of the reply ({@code :1}, {@code +OK}, {@code $-1}, ...). */
    public String command(String... args) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            socket.setSoTimeout(5000);
            StringBuilder request = new StringBuilder("*").append(args.length).append("\r\n");
            for (String arg : args) {
                request.append('$').append(arg.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(arg).append("\r\n");
            }
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder line = new StringBuilder();
            int b;
            while ((b = in.read()) != -1 && b != '\r') {
                line.append((char) b);
            }
            return line.toString();
        }
    }

    private boolean answersPing() {
        try {
            return "+PONG".equals(command("PING"));
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public synchronized void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            kill();
        }
    }

    /** The gateway's shared limits on a private Redis. */
    public static class Resource implements QuarkusTestResourceLifecycleManager {
        private PrivateRedis redis;

        @Override
        public Map<String, String> start() {
            redis = startOnFreePort();
            return Map.of("quarkus.redis.hosts", redis.uri(), "parley.gateway.redis.enabled", "true");
        }

        @Override
        public void inject(TestInjector testInjector) {
            testInjector.injectIntoFields(redis, new TestInjector.MatchesType(PrivateRedis.class));
        }

        @Override
        public void stop() {
            try {
                redis.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
