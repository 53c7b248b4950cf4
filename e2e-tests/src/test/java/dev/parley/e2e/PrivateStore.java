package dev.parley.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;

import dev.parley.testsupport.TestRedis;

/**
 * The stack's store, run by the test instead of by {@code Stack} so that the test can take it away
 * and bring it back: the same MongoDB-compatible server and file-backed backend the local stack
 * uses, on a free port. Stopping it cuts every connection and closes the file (its data stays);
 * starting it again reopens the file on the same port.
 */
final class PrivateStore implements AutoCloseable {

    private final Path file;
    private final int port;
    private MongoServer server;
    private H2Backend backend;

    private PrivateStore(Path file, int port) {
        this.file = file;
        this.port = port;
    }

    static PrivateStore start(Path dir) throws IOException {
        Files.createDirectories(dir);
        PrivateStore store = new PrivateStore(dir.resolve("parley.mv"), TestRedis.freePort());
        store.start();
        return store;
    }

    String uri() {
        return "mongodb://127.0.0.1:" + port;
    }

    synchronized void start() {
        backend = new H2Backend(file.toString());
        server = new MongoServer(backend);
        server.bind("127.0.0.1", port);
    }

    synchronized void stop() {
        if (server != null) {
            server.shutdownNow();
            backend.close();
            server = null;
            backend = null;
        }
    }

    @Override
    public void close() {
        stop();
    }
}
