package dev.parley.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Collections;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * The README's run command as a person uses it: it says when Parley is ready, a second copy
 * refuses clearly instead of failing on a port, and stopping it (Ctrl-C, i.e. a termination
 * signal) leaves no process behind.
 */
class LauncherIT {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final int OFFSET = 800;

    @Test
    void runsReportsRefusesASecondCopyAndStopsEverything() throws Exception {
        Process first = launch();
        try {
            CompletableFuture<String> ready = CompletableFuture.supplyAsync(() -> readUntil(first, "Parley is running at"));
            String line = ready.get(180, TimeUnit.SECONDS);
            assertTrue(line.contains("http://localhost:" + (8080 + OFFSET)), line);
            // it listens on loopback only (review L12): not on the machine's other addresses
            for (InetAddress address : otherAddresses()) {
                for (int port : List.of(8080, 8081, 8082, 8083, 27027)) {
                    assertFalse(listening(address, port + OFFSET), address + ":" + (port + OFFSET) + " is not reachable");
                }
            }
            Path key = Path.of("target", "e2e-launcher", "chat", "message-key").toAbsolutePath();
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)), key.toString());

            Process second = launch();
            assertTrue(second.waitFor(60, TimeUnit.SECONDS), "the second copy gives up at once");
            String said = new String(second.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(3, second.exitValue(), said);
            assertTrue(said.contains("already running"), said);
        } finally {
            first.destroy(); // SIGTERM: the same shutdown path as Ctrl-C
            assertTrue(first.waitFor(90, TimeUnit.SECONDS), "the launcher stops");
        }
        for (int port : List.of(8080, 8081, 8082, 8083, 27027)) {
            assertTrue(free(port + OFFSET), "port " + (port + OFFSET) + " is free again: nothing left running");
        }
    }

    private static Process launch() throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", ROOT.resolve("local-stack/target/local-stack.jar").toString(), "--port-offset", String.valueOf(OFFSET),
                "--data-dir", Path.of("target", "e2e-launcher").toAbsolutePath().toString()));
        return new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true).start();
    }

    private static String readUntil(Process process, String marker) {
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        try {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.contains(marker)) {
                    // keep draining so the launcher never blocks on a full pipe
                    Thread drain = new Thread(() -> {
                        try {
                            out.transferTo(java.io.Writer.nullWriter());
                        } catch (IOException e) {
                            // the launcher ended
                        }
                    });
                    drain.setDaemon(true);
                    drain.start();
                    return line;
                }
            }
            throw new AssertionError("the launcher ended without saying it is running");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The machine's own non-loopback addresses (IPv4 and IPv6). */
    private static List<InetAddress> otherAddresses() throws IOException {
        List<InetAddress> addresses = new ArrayList<>();
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (nic.isUp() && !nic.isLoopback()) {
                nic.inetAddresses().filter(a -> !a.isLinkLocalAddress()).forEach(addresses::add);
            }
        }
        return addresses;
    }

    private static boolean listening(InetAddress address, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean free(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
