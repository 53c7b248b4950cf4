package dev.parley.localstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** One service of the stack, run from its built Quarkus app as a child JVM. */
public final class ServiceProcess {

    private static final String SECRET = "-Dparley.service.secret=";

    private final String name;
    private final String module;
    private final int port;
    private final List<String> properties;
    private final List<String> jvmOptions = new ArrayList<>();
    private Process process;
    private Path log;

    ServiceProcess(String name, String module, int port, List<String> properties) {
        this.name = name;
        this.module = module;
        this.port = port;
        this.properties = new ArrayList<>(properties);
    }

    void addProperty(String property) {
        properties.add(property);
    }

    void addJvmOption(String option) {
        jvmOptions.add(option);
    }

    String module() {
        return module;
    }

    /** The running JVM's process id (for reading its memory from /proc), or -1 when it is not running. */
    public long pid() {
        return process != null && process.isAlive() ? process.pid() : -1;
    }

    public String name() {
        return name;
    }

    public int port() {
        return port;
    }

    public String url() {
        return "http://localhost:" + port;
    }

    Path log() {
        return log;
    }

    void start(Path root, Path logs, String mongoUri) throws IOException {
        Path jar = root.resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: build first (./mvnw install -DskipTests)");
        }
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms64m", "-Xmx512m", "-XX:+UseG1GC",
                "-Dquarkus.profile=local",
                "-Dquarkus.http.port=" + port,
                // loopback only: the stack is for this machine, and nothing fronts auth, user and chat here
                "-Dquarkus.http.host=127.0.0.1",
                "-Dquarkus.mongodb.connection-string=" + mongoUri));
        command.addAll(jvmOptions);
        Map<String, String> environment = new HashMap<>();
        for (String property : properties) {
            if (property.startsWith(SECRET)) {
                // secrets go through the environment, not the command line that `ps` shows
                environment.put("PARLEY_SERVICE_SECRET", property.substring(SECRET.length()));
            } else {
                command.add(property);
            }
        }
        command.add("-jar");
        command.add(jar.toString());
        log = logs.resolve(name + ".log");
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(environment);
        process = builder
                .directory(root.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read " + log + ")";
        }
    }

    void stop() {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
