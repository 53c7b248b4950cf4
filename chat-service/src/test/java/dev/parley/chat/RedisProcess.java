package dev.parley.chat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import dev.parley.testsupport.TestRedis;

/**
 * A redis-server of a test's own, on a free port, that the test may kill (that process, by its PID,
 * never the machine's shared Redis) and start again on the same port, empty: what a Redis restart
 * without persistence looks like to chat-service. Also a minimal client for the test's own commands.
 */
public final class RedisProcess implements AutoCloseable {

    private final int port;
    private Process process;

    private RedisProcess(int port) {
        this.port = port;
    }

    public static RedisProcess startOnFreePort() {
        RedisProcess redis = new RedisProcess(TestRedis.freePort());
        redis.start();
        return redis;
    }

    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    public synchronized void start() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("redis-server already running on " + port);
        }
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
        long pid = process.pid();
        process.destroyForcibly();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("redis-server " + pid + " did not die");
        }
    }

    /** Sends one command; returns the first line of the reply ({@code :1}, {@code +OK}, {@code $-1}, ...). */
    public String command(String... args) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            socket.setSoTimeout(2000);
            write(socket, args);
            return line(socket.getInputStream());
        }
    }

    /**
     * How many PUBLISH commands this server has executed since it started ({@code INFO commandstats},
     * {@code cmdstat_publish:calls=N}); 0 before the first.
     */
    public long publishCalls() throws IOException {
        String stats = bulk("INFO", "commandstats");
        int at = stats.indexOf("cmdstat_publish:calls=");
        if (at < 0) {
            return 0;
        }
        int from = at + "cmdstat_publish:calls=".length();
        int to = stats.indexOf(',', from);
        return Long.parseLong(stats.substring(from, to));
    }

    /** Sends one command whose reply is a bulk string ({@code $len} then the bytes); returns that string. */
    public String bulk(String... args) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            socket.setSoTimeout(2000);
            write(socket, args);
            InputStream in = socket.getInputStream();
            String header = line(in);
            if (!header.startsWith("$")) {
                throw new IOException("not a bulk reply: " + header);
            }
            int length = Integer.parseInt(header.substring(1));
            return new String(in.readNBytes(length), StandardCharsets.UTF_8);
        }
    }

    private static void write(Socket socket, String... args) throws IOException {
        StringBuilder request = new StringBuilder("*").append(args.length).append("\r\n");
        for (String arg : args) {
            request.append('$').append(arg.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(arg).append("\r\n");
        }
        OutputStream out = socket.getOutputStream();
        out.write(request.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** One reply line without its CRLF. */
    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = in.read()) != -1 && b != '\r') {
            line.append((char) b);
        }
        in.read(); // the LF
        return line.toString();
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
}
