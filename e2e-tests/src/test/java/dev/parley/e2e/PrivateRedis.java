package dev.parley.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import dev.parley.testsupport.TestRedis;

/**
 * A {@code redis-server} of the test's own, on a free port, without persistence: never the
 * machine's Redis on 6379, so that killing it harms nobody else. Killed by its own process id.
 */
final class PrivateRedis implements AutoCloseable {

    private final int port;
    private final Path log;
    private Process process;

    private PrivateRedis(int port, Path log) {
        this.port = port;
        this.log = log;
    }

    static PrivateRedis start(Path log) throws IOException, InterruptedException {
        PrivateRedis redis = new PrivateRedis(TestRedis.freePort(), log);
        redis.start();
        return redis;
    }

    String uri() {
        return "redis://127.0.0.1:" + port;
    }

    long pid() {
        return process != null && process.isAlive() ? process.pid() : -1;
    }

    /** Starts it (again) on the same port and waits until it answers PING. */
    void start() throws IOException, InterruptedException {
        Files.createDirectories(log.getParent());
        process = new ProcessBuilder("redis-server", "--bind", "127.0.0.1", "--port", String.valueOf(port), "--save", "",
                "--appendonly", "no").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        while (!answersPing()) {
            if (!process.isAlive() || Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("redis-server did not start on port " + port + "; see " + log);
            }
            TimeUnit.MILLISECONDS.sleep(50); // polling a child process's readiness
        }
    }

    /** SIGKILL to its process id (a crash: no shutdown, no save), and waits until it is gone. */
    void kill() throws Exception {
        if (process != null && process.isAlive()) {
            FaultIT.kill9(process.pid());
        }
    }

    private boolean answersPing() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            socket.setSoTimeout(1000);
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readNBytes(7), StandardCharsets.US_ASCII).startsWith("+PONG");
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() throws Exception {
        kill();
    }
}
