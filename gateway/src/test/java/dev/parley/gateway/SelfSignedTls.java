package dev.parley.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Makes the gateway terminate TLS itself (the Quarkus TLS registry's default key store), with a
 * self-signed certificate for localhost and 127.0.0.1 made for the test run by the JDK's keytool.
 * Plain HTTP stays on as well.
 */
public class SelfSignedTls implements QuarkusTestResourceLifecycleManager {

    static final Path KEY_STORE = Path.of("target", "test-tls", "gateway.p12").toAbsolutePath();
    static final String PASSWORD = "test-only-password";

    @Override
    public Map<String, String> start() {
        make();
        return Map.of(
                "quarkus.tls.key-store.p12.path", KEY_STORE.toString(),
                "quarkus.tls.key-store.p12.password", PASSWORD,
                "quarkus.http.test-ssl-port", "0",
                "quarkus.http.insecure-requests", "enabled");
    }

    /** A client context that trusts that certificate and nothing else. */
    static SSLContext trustingIt() {
        try (InputStream in = Files.newInputStream(KEY_STORE)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, PASSWORD.toCharArray());
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static synchronized void make() {
        if (Files.exists(KEY_STORE)) {
            return;
        }
        try {
            Files.createDirectories(KEY_STORE.getParent());
            Process keytool = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                    "-genkeypair", "-alias", "gateway", "-keyalg", "RSA", "-keysize", "2048", "-validity", "30",
                    "-dname", "CN=localhost", "-ext", "san=dns:localhost,ip:127.0.0.1",
                    "-storetype", "PKCS12", "-keystore", KEY_STORE.toString(), "-storepass", PASSWORD))
                    .redirectErrorStream(true).start();
            String output = new String(keytool.getInputStream().readAllBytes());
            if (!keytool.waitFor(60, TimeUnit.SECONDS) || keytool.exitValue() != 0) {
                throw new IllegalStateException("keytool failed: " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void stop() {
    }
}
