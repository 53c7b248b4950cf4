package dev.parley.load.fuzz;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Every operation of the services' committed OpenAPI documents (their contracts), with its
 * parameters and its request body's schema resolved: what the fuzzer builds valid requests from
 * before it breaks them.
 */
public final class OpenApiOperations {

    /** The services whose documents are read, each at {@code <module>/openapi.yaml}. */
    public static final List<String> SERVICES = List.of("auth-service", "user-service", "chat-service");

    /** One query or path parameter. */
    public record Param(String name, String in, Map<String, Object> schema, boolean required) {
    }

    /** One operation: {@code internal} ones are never routed by the gateway and are fuzzed at the service's own port. */
    public record Operation(String service, String method, String path, List<Param> params, Map<String, Object> body,
            boolean secured) {
        public boolean internal() {
            return path.startsWith("/internal/");
        }

        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    private OpenApiOperations() {
    }

    /** Reads the committed documents under {@code root} (the repository). */
    public static List<Operation> load(Path root) throws IOException {
        List<Operation> all = new ArrayList<>();
        for (String service : SERVICES) {
            all.addAll(read(service, root.resolve(service).resolve("openapi.yaml")));
        }
        return all;
    }

    @SuppressWarnings("unchecked")
    static List<Operation> read(String service, Path file) throws IOException {
        Map<String, Object> doc;
        try (Reader in = Files.newBufferedReader(file)) {
            doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
        }
        Map<String, Object> schemas = (Map<String, Object>) ((Map<String, Object>) doc.getOrDefault("components", Map.of()))
                .getOrDefault("schemas", Map.of());
        List<Operation> operations = new ArrayList<>();
        Map<String, Object> paths = (Map<String, Object>) doc.get("paths");
        paths.forEach((path, item) -> ((Map<String, Object>) item).forEach((method, op) -> {
            Map<String, Object> operation = (Map<String, Object>) op;
            List<Param> params = new ArrayList<>();
            for (Object p : (List<Object>) operation.getOrDefault("parameters", List.of())) {
                Map<String, Object> param = (Map<String, Object>) p;
                params.add(new Param((String) param.get("name"), (String) param.get("in"),
                        resolve((Map<String, Object>) param.getOrDefault("schema", Map.of()), schemas),
                        Boolean.TRUE.equals(param.get("required"))));
            }
            Map<String, Object> body = null;
            Map<String, Object> requestBody = (Map<String, Object>) operation.get("requestBody");
            if (requestBody != null) {
                Map<String, Object> content = (Map<String, Object>) requestBody.get("content");
                Map<String, Object> json = (Map<String, Object>) content.values().iterator().next();
                body = resolve((Map<String, Object>) json.get("schema"), schemas);
            }
            operations.add(new Operation(service, method.toUpperCase(), path, params, body,
                    operation.containsKey("security")));
        }));
        return operations;
    }

    /** The schema with every {@code $ref} and {@code allOf} of one element replaced by what it names (the documents have no cycles). */
    @SuppressWarnings("unchecked")
    static Map<String, Object> resolve(Map<String, Object> schema, Map<String, Object> schemas) {
        if (schema == null) {
            return null;
        }
        Object ref = schema.get("$ref");
        if (ref instanceof String name) {
            return resolve((Map<String, Object>) schemas.get(name.substring(name.lastIndexOf('/') + 1)), schemas);
        }
        Map<String, Object> resolved = new LinkedHashMap<>(schema);
        if (schema.get("allOf") instanceof List<?> all && all.size() == 1) {
            resolved.remove("allOf");
            Map<String, Object> inner = resolve((Map<String, Object>) all.get(0), schemas);
            inner.forEach(resolved::putIfAbsent);
        }
        if (resolved.get("properties") instanceof Map<?, ?> properties) {
            Map<String, Object> out = new LinkedHashMap<>();
            ((Map<String, Object>) properties).forEach((k, v) -> out.put(k, resolve((Map<String, Object>) v, schemas)));
            resolved.put("properties", out);
        }
        if (resolved.get("items") instanceof Map<?, ?> items) {
            resolved.put("items", resolve((Map<String, Object>) items, schemas));
        }
        return resolved;
    }
}
