package dev.parley.testsupport;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.UUID;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Points the service under test at a MongoDB wire-protocol server.
 *
 * <p>By default that is an in-memory {@code mongo-java-server} on a free loopback port, fresh for
 * each test class. When {@code PARLEY_TEST_MONGO_URI} is set, the tests run against that real
 * MongoDB instead, in a database of their own ({@code <service db>_test_<random>}) so classes never
 * see each other's data.
 */
public class EmbeddedMongoResource implements QuarkusTestResourceLifecycleManager {

    public static final String URI_ENV = "PARLEY_TEST_MONGO_URI";

    private MongoServer server;
    private EmbeddedMongo handle;
    private String database;

    @Override
    public void init(Map<String, String> initArgs) {
        database = initArgs.get("database");
    }

    @Override
    public Map<String, String> start() {
        String external = System.getenv(URI_ENV);
        String db = (database == null ? "parley" : database) + "_test_"
                + UUID.randomUUID().toString().substring(0, 8);
        if (external != null && !external.isBlank()) {
            handle = new EmbeddedMongo(null, external, db);
            return Map.of("quarkus.mongodb.connection-string", external, "quarkus.mongodb.database", db);
        }
        server = new MongoServer(new MemoryBackend());
        server.bind("127.0.0.1", 0);
        InetSocketAddress address = server.getLocalAddress();
        String uri = "mongodb://127.0.0.1:" + address.getPort();
        handle = new EmbeddedMongo(server, uri, db);
        return Map.of("quarkus.mongodb.connection-string", uri, "quarkus.mongodb.database", db);
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(handle,
                new TestInjector.AnnotatedAndMatchesType(InjectEmbeddedMongo.class, EmbeddedMongo.class));
    }

    @Override
    public void stop() {
        if (handle != null) {
            handle.shutdown();
        }
    }
}
