package dev.parley.testsupport;

import java.net.InetSocketAddress;

import org.bson.Document;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;

/**
 * The store a test runs against, with a plain MongoDB client for looking at raw documents, and
 * (embedded only) the power to take the store away and bring it back on the same port.
 */
public final class EmbeddedMongo {

    private MongoServer server;
    private final String uri;
    private final String database;
    private final int port;
    private MongoClient client;

    EmbeddedMongo(MongoServer server, String uri, String database) {
        this.server = server;
        this.uri = uri;
        this.database = database;
        this.port = server == null ? -1 : server.getLocalAddress().getPort();
    }

    public String uri() {
        return uri;
    }

    /** The database the service under test uses. */
    public MongoDatabase database() {
        synchronized (this) {
            if (client == null) {
                client = MongoClients.create(uri);
            }
        }
        return client.getDatabase(database);
    }

    public Document findRaw(String collection, Document filter) {
        return database().getCollection(collection).find(filter).first();
    }

    public long count(String collection, Document filter) {
        return database().getCollection(collection).countDocuments(filter);
    }

    /** Stops the embedded server: clients now get connection errors. Data is lost. */
    public synchronized void stopServer() {
        requireEmbedded();
        server.shutdownNow();
    }

    /** Starts a fresh (empty) embedded server on the same port. */
    public synchronized void restartServer() {
        requireEmbedded();
        server = new MongoServer(new MemoryBackend());
        server.bind(new InetSocketAddress("127.0.0.1", port));
    }

    public boolean isEmbedded() {
        return server != null;
    }

    private void requireEmbedded() {
        if (server == null) {
            throw new IllegalStateException("only the embedded store can be stopped by a test");
        }
    }

    synchronized void shutdown() {
        if (client != null) {
            if (server == null) {
                client.getDatabase(database).drop();
            }
            client.close();
        }
        if (server != null) {
            server.shutdownNow();
        }
    }
}
