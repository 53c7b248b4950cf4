package dev.parley.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import dev.parley.testsupport.TestJwksResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The web client type-checks (strict TypeScript). esbuild only strips types, so without this a
 * type error would still build. The check runs with the Deno that the Web Bundler unpacks into
 * {@code node_modules} while it builds the app (a {@code @QuarkusTest}, so that has happened).
 */
@QuarkusTest
@WithTestResource(StandInUpstreams.class)
@WithTestResource(TestJwksResource.class)
class WebClientTypesTest {

    @Test
    void theWebClientTypeChecks() throws IOException, InterruptedException {
        Path deno = deno().orElseThrow(() -> new AssertionError("no Deno under node_modules/@deno: the Web Bundler unpacks it"));
        Path config = Path.of("src/test/resources/web-client-types.json").toAbsolutePath();
        Path entry = Path.of("src/main/resources/web/app/index.ts").toAbsolutePath();
        ProcessBuilder builder = new ProcessBuilder(List.of(deno.toString(), "check", "--quiet", "--no-lock", "--sloppy-imports",
                "--config", config.toString(), entry.toString()))
                .redirectErrorStream(true)
                .directory(entry.getParent().toFile());
        builder.environment().put("DENO_DIR", Path.of("target/deno").toAbsolutePath().toString()); // its cache, not ~/.cache
        builder.environment().put("NO_COLOR", "1");
        Process check = builder.start();
        check.getOutputStream().close();
        String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(check.waitFor(120, TimeUnit.SECONDS), "deno check did not finish");
        assertEquals(0, check.exitValue(), "type errors in the web client:\n" + output);
    }

    private static Optional<Path> deno() throws IOException {
        Path root = Path.of("node_modules/@deno");
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        try (Stream<Path> platforms = Files.list(root)) {
            return platforms.map(p -> p.resolve("deno").toAbsolutePath()).filter(Files::isExecutable).findFirst();
        }
    }
}
