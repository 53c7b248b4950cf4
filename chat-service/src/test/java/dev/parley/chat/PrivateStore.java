package dev.parley.chat;

import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import de.bwaldvogel.mongo.bson.Document;
import io.netty.channel.Channel;

/**
 * A store of one test class's own (mongo-java-server, in memory, on a free port) that the test may
 * take away and bring back with its data, and whose inserts into {@code messages} it may hold, to
 * play a slow store. Nothing here touches any other test's store.
 */
public final class PrivateStore implements AutoCloseable {

    /** Keeps the data when the server shuts down, so a restart on the same port is an outage, not a wipe. */
    private static final class KeptBackend extends MemoryBackend {

        private volatile CountDownLatch hold;
        private volatile CountDownLatch held = new CountDownLatch(1);

        @Override
        public Document handleCommand(Channel channel, String database, String command, Document query) {
            CountDownLatch gate = hold;
            if (gate != null && "insert".equalsIgnoreCase(command) && "messages".equals(query.get(command))) {
                held.countDown();
                try {
                    if (!gate.await(30, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("a test held inserts for 30 s and never let them go");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return super.handleCommand(channel, database, command, query);
        }

        @Override
        public void close() {
            // kept: see the class comment; dispose() really closes
        }

        void dispose() {
            super.close();
        }
    }

    private final KeptBackend backend = new KeptBackend();
    private final int port;
    private MongoServer server;

    private PrivateStore(int port) {
        this.port = port;
    }

    static PrivateStore startOnFreePort() {
        MongoServer first = new MongoServer(new MemoryBackend());
        InetSocketAddress address = first.bind();
        int port = address.getPort();
        first.shutdownNow();
        PrivateStore store = new PrivateStore(port);
        store.start();
        return store;
    }

    public String uri() {
        return "mongodb://127.0.0.1:" + port;
    }

    /** Listens again on the same port, with the data it had. */
    public synchronized void start() {
        if (server == null) {
            server = new MongoServer(backend);
            server.bind(new InetSocketAddress("127.0.0.1", port));
        }
    }

    /** Cuts every connection and stops listening: clients get connection errors and timeouts. */
    public synchronized void stop() {
        if (server != null) {
            server.shutdownNow();
            server = null;
        }
    }

    /** From now on inserts into {@code messages} wait until {@link #releaseInserts()}. */
    public void holdInserts() {
        backend.held = new CountDownLatch(1);
        backend.hold = new CountDownLatch(1);
    }

    /** Waits until an insert is being held (the writer's worker is busy with it). */
    public void awaitHeldInsert() throws InterruptedException {
        if (!backend.held.await(10, TimeUnit.SECONDS)) {
            throw new AssertionError("no insert reached the store within 10 s");
        }
    }

    public void releaseInserts() {
        CountDownLatch gate = backend.hold;
        backend.hold = null;
        if (gate != null) {
            gate.countDown();
        }
    }

    @Override
    public synchronized void close() {
        releaseInserts();
        stop();
        backend.dispose();
    }
}
