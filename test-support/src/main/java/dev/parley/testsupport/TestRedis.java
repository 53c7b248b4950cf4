package dev.parley.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

/**
 * A real Redis for tests: {@code PARLEY_TEST_REDIS_URI} when set, else the server on
 * 127.0.0.1:6379 when one answers (CI starts it), else a private {@code redis-server} started from
 * the binary on a free port and stopped when the JVM exits.
 */
public final class TestRedis {

    public static final String URI_ENV = "PARLEY_TEST_REDIS_URI";
    private static String uri;

    private TestRedis() {
    }

    public static synchronized String uri() {
        if (uri != null) {
            return uri;
        }
        String configured = System.getenv(URI_ENV);
        if (configured != null && !configured.isBlank()) {
            return uri = configured;
        }
        if (answersPing(6379)) {
            return uri = "redis://127.0.0.1:6379";
        }
        return uri = startPrivate();
    }

    private static String startPrivate() {
        int port = freePort();
        try {
            Process redis = new ProcessBuilder("redis-server", "--bind", "127.0.0.1", "--port", String.valueOf(port),
                    "--save", "", "--appendonly", "no").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            Runtime.getRuntime().addShutdownHook(new Thread(redis::destroy));
            Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
            while (!answersPing(port)) {
                if (!redis.isAlive() || Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("redis-server did not start on port " + port);
                }
                Thread.onSpinWait();
            }
            return "redis://127.0.0.1:" + port;
        } catch (IOException e) {
            throw new IllegalStateException("No Redis: set " + URI_ENV + ", run one on 6379, or install redis-server", e);
        }
    }

    private static boolean answersPing(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            socket.setSoTimeout(1000);
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] reply = in.readNBytes(7);
            return new String(reply, StandardCharsets.US_ASCII).startsWith("+PONG");
        } catch (IOException e) {
            return false;
        }
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
