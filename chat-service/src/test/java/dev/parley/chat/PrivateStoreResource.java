package dev.parley.chat;

import java.util.HashMap;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Runs chat-service on a {@link PrivateStore} (injected into the test's {@code PrivateStore} field)
 * instead of the shared embedded store, so the test can stop it, start it and slow it down. Any
 * init argument is passed on as configuration (a test's tighter limits).
 */
public class PrivateStoreResource implements QuarkusTestResourceLifecycleManager {

    private final Map<String, String> settings = new HashMap<>();
    private PrivateStore store;

    @Override
    public void init(Map<String, String> initArgs) {
        settings.putAll(initArgs);
    }

    @Override
    public Map<String, String> start() {
        store = PrivateStore.startOnFreePort();
        Map<String, String> config = new HashMap<>(settings);
        config.put("quarkus.mongodb.connection-string", store.uri());
        config.put("quarkus.mongodb.database", "chat");
        return config;
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(store, new TestInjector.MatchesType(PrivateStore.class));
    }

    @Override
    public void stop() {
        if (store != null) {
            store.close();
        }
    }
}
