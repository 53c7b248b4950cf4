package dev.parley.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Renders every overlay under {@code k8s/overlays} with {@code kubectl kustomize} (no cluster needed)
 * and checks what must hold wherever Parley is deployed: probes, resources and a locked-down
 * security context on every container; images, ports and in-cluster URLs consistent with the
 * services' own configuration; Secrets that hold placeholders only; an Ingress that reaches the
 * gateway and nothing else; and network policies that deny by default and allow exactly the calls
 * the services make. Skipped only when there is no {@code kubectl} on the PATH.
 */
class KustomizeTest {

    static final Path ROOT = repositoryRoot();
    static final List<String> SERVICES = List.of("gateway", "auth-service", "user-service", "chat-service");
    static final String PLACEHOLDER = "REPLACE_ME";
    static final String NAME_LABEL = "app.kubernetes.io/name";
    static final String OUTSIDE = "(outside the namespace)";

    /** Who may open a connection to whom: the design in network-policies.yaml and docs/deployment.md. */
    static final Map<String, Set<String>> ALLOWED_CALLERS = Map.of(
            "gateway", Set.of(OUTSIDE),
            "auth-service", Set.of("gateway", "user-service", "chat-service"),
            "user-service", Set.of("gateway", "auth-service", "chat-service"),
            "chat-service", Set.of("gateway", "user-service"));

    /** Values in a Secret's application.properties that are structure, not secrets: key ids and key file paths. */
    static final Map<Pattern, Pattern> NON_SECRET_PROPERTIES = Map.of(
            Pattern.compile("parley\\.auth\\.signing-keys\\.files\\.\"?[\\w.-]+\"?"), Pattern.compile("/[\\w./-]+\\.pem"),
            Pattern.compile("parley\\.auth\\.signing-keys\\.active"), Pattern.compile("[\\w.-]{1,64}"),
            Pattern.compile("parley\\.chat\\.crypto\\.active-key"), Pattern.compile("[\\w.-]{1,64}"));

    static final Map<String, Rendered> RENDERED = new ConcurrentHashMap<>();
    static final boolean KUBECTL = onPath("kubectl");
    static final String NO_KUBECTL = "kubectl is not on the PATH: the Kubernetes manifests in k8s/ were NOT rendered or checked";

    @BeforeAll
    static void sayWhenSkipped() {
        if (!KUBECTL) {
            System.err.println("[KustomizeTest] SKIPPED: " + NO_KUBECTL);
        }
    }

    static Stream<String> overlays() throws IOException {
        try (Stream<Path> dirs = Files.list(ROOT.resolve("k8s/overlays"))) {
            List<String> names = dirs.filter(d -> Files.isRegularFile(d.resolve("kustomization.yaml")))
                    .map(d -> d.getFileName().toString()).sorted().toList();
            assertTrue(names.containsAll(List.of("dev", "prod")), "overlays dev and prod exist: " + names);
            return names.stream();
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyServiceRunsItsOwnImageInOneVariant(String overlay) {
        Rendered r = render(overlay);
        assertEquals(new TreeSet<>(SERVICES), new TreeSet<>(r.names("Deployment")), "one Deployment per service");
        for (String service : SERVICES) {
            Map<String, Object> deployment = r.get("Deployment", service);
            Map<String, Object> pod = map(deployment, "spec", "template");
            assertEquals(service, str(pod, "metadata", "labels", NAME_LABEL), service + ": pod label");
            assertTrue(matches(map(deployment, "spec", "selector", "matchLabels"), map(pod, "metadata", "labels")),
                    service + ": the selector selects its own pods");
            List<Map<String, Object>> containers = list(pod, "spec", "containers");
            assertEquals(1, containers.size(), service + ": one container");
            Map<String, Object> c = containers.get(0);
            assertEquals(service, str(c, "name"), service + ": container name");

            String image = str(c, "image");
            Matcher m = Pattern.compile("(?:.+/)?parley/" + Pattern.quote(service)
                    + "(-jvm)?(?::[\\w][\\w.-]{0,127}|@sha256:([0-9a-f]{64}|" + PLACEHOLDER + "))").matcher(image);
            assertTrue(m.matches(), service + ": image " + image + " is [registry/]parley/" + service
                    + "[-jvm]:<tag> or @sha256:<digest>");
            if (overlay.startsWith("prod")) {
                assertTrue(image.contains("@sha256:"), service + ": production pins its image by digest, not " + image);
            }
            boolean jvm = m.group(1) != null;
            // rolling updates: out of the endpoints first, then a graceful shutdown, all within the grace period
            Number sleep = (Number) map(c, "lifecycle", "preStop", "sleep").get("seconds");
            Number grace = (Number) map(pod, "spec").get("terminationGracePeriodSeconds");
            assertNotNull(sleep, service + ": a preStop sleep takes the pod out of the endpoints before SIGTERM");
            assertNotNull(grace, service + ": a termination grace period");
            assertTrue(sleep.intValue() >= 3 && grace.intValue() >= sleep.intValue() + 30,
                    service + ": preStop " + sleep + " s and 30 s of graceful shutdown fit in " + grace + " s");
            String javaOpts = r.environment(c).get("JAVA_OPTS_APPEND");
            Number user = (Number) map(pod, "spec", "securityContext").get("runAsUser");
            if (jvm) {
                // ubi9 openjdk runtime: user 185, run-java.sh in /deployments
                assertEquals(185, user.intValue(), service + ": the JVM image's user");
                assertEquals("/deployments", str(c, "workingDir"), service + ": working directory");
                assertNotNull(javaOpts, service + ": JVM containers set JAVA_OPTS_APPEND");
                Matcher xmx = Pattern.compile("-Xmx(\\d+)([mg])").matcher(javaOpts);
                assertTrue(xmx.find(), service + ": a max heap in " + javaOpts);
                long heap = Long.parseLong(xmx.group(1)) << (xmx.group(2).equals("g") ? 30 : 20);
                long limit = (long) quantity(str(c, "resources", "limits", "memory"));
                assertTrue(limit >= 384L << 20 && heap < limit * 3 / 4,
                        service + ": JVM memory limit >= 384Mi with room beside the heap (" + heap + " of " + limit + ")");
                assertTrue(javaOpts.contains("-Dquarkus.http.host=0.0.0.0"), service + ": keeps the image's host option");
            } else {
                // ubi9 quarkus-micro-image: user 1001, executable in /work
                assertEquals(1001, user.intValue(), service + ": the native image's user");
                assertEquals("/work", str(c, "workingDir"), service + ": working directory");
                assertNull(javaOpts, service + ": no JVM options on a native image");
                assertTrue(quantity(str(c, "resources", "limits", "memory")) <= 256 * 1024 * 1024,
                        service + ": native memory limit stays small");
            }
            // Quarkus reads $PWD/config/application.properties: the secret file must be exactly there
            for (Map<String, Object> mount : list(c, "volumeMounts")) {
                if (str(mount, "mountPath").endsWith("/config")) {
                    assertEquals(str(c, "workingDir") + "/config", str(mount, "mountPath"), service + ": config file location");
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyContainerIsProbedOnItsHealthEndpoints(String overlay) {
        Rendered r = render(overlay);
        for (Map<String, Object> deployment : r.all("Deployment")) {
            for (Map<String, Object> c : containers(deployment)) {
                String name = str(c, "name");
                int configured = configuredPort(name);
                for (Map.Entry<String, String> probe : Map.of("livenessProbe", "/q/health/live",
                        "readinessProbe", "/q/health/ready", "startupProbe", "/q/health/started").entrySet()) {
                    Map<String, Object> get = map(c, probe.getKey(), "httpGet");
                    assertEquals(probe.getValue(), str(get, "path"), name + ": " + probe.getKey() + " path");
                    assertEquals(configured, containerPort(c, get.get("port")), name + ": " + probe.getKey() + " port");
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyContainerHasRequestsAndLimits(String overlay) {
        Rendered r = render(overlay);
        for (Map<String, Object> deployment : r.all("Deployment")) {
            for (Map<String, Object> c : containers(deployment)) {
                for (String resource : List.of("cpu", "memory")) {
                    double request = quantity(str(c, "resources", "requests", resource));
                    double limit = quantity(str(c, "resources", "limits", resource));
                    assertTrue(request > 0 && request <= limit, str(c, "name") + ": " + resource + " request <= limit");
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyContainerRunsNonRootReadOnlyAndUnprivileged(String overlay) {
        Rendered r = render(overlay);
        for (Map<String, Object> deployment : r.all("Deployment")) {
            Map<String, Object> podSpec = map(deployment, "spec", "template", "spec");
            Map<String, Object> pod = map(podSpec, "securityContext");
            assertEquals(false, podSpec.get("automountServiceAccountToken"), "no API token in " + name(deployment));
            for (Map<String, Object> c : containers(deployment)) {
                String name = str(c, "name");
                Map<String, Object> sc = map(c, "securityContext");
                assertEquals(true, sc.getOrDefault("runAsNonRoot", pod.get("runAsNonRoot")), name + ": runAsNonRoot");
                Number user = (Number) sc.getOrDefault("runAsUser", pod.get("runAsUser"));
                assertTrue(user != null && user.intValue() > 0, name + ": a non-zero runAsUser");
                assertEquals(true, sc.get("readOnlyRootFilesystem"), name + ": readOnlyRootFilesystem");
                assertEquals(false, sc.get("allowPrivilegeEscalation"), name + ": allowPrivilegeEscalation");
                assertTrue(sc.get("privileged") == null || Boolean.FALSE.equals(sc.get("privileged")), name + ": privileged");
                assertTrue(strings(sc, "capabilities", "drop").contains("ALL"), name + ": drops ALL capabilities");
                assertTrue(strings(sc, "capabilities", "add").isEmpty(), name + ": adds no capability");
                Object seccomp = sc.containsKey("seccompProfile") ? sc.get("seccompProfile") : pod.get("seccompProfile");
                assertEquals("RuntimeDefault", str(asMap(seccomp), "type"), name + ": seccomp profile");
                // a read-only root file system needs somewhere to write: /tmp from an emptyDir
                String tmpVolume = list(c, "volumeMounts").stream().filter(v -> "/tmp".equals(v.get("mountPath")))
                        .map(v -> str(v, "name")).findFirst().orElseThrow(() -> new AssertionError(name + ": /tmp mounted"));
                assertTrue(list(podSpec, "volumes").stream().anyMatch(v -> tmpVolume.equals(v.get("name")) && v.containsKey("emptyDir")),
                        name + ": /tmp is an emptyDir");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void servicePortsMatchContainerPortsAndConfiguredPorts(String overlay) {
        Rendered r = render(overlay);
        assertEquals(new TreeSet<>(SERVICES), new TreeSet<>(r.names("Service")), "one Service per service");
        for (Map<String, Object> service : r.all("Service")) {
            String name = name(service);
            Map<String, Object> deployment = r.selected(map(service, "spec", "selector")).stream()
                    .reduce((a, b) -> fail(name + ": its selector matches more than one Deployment"))
                    .orElseThrow(() -> new AssertionError(name + ": its selector matches no Deployment"));
            assertEquals(name, name(deployment), name + ": selects the Deployment of the same name");
            Map<String, Object> c = containers(deployment).get(0);
            int configured = configuredPort(name);
            for (Map<String, Object> port : list(service, "spec", "ports")) {
                assertEquals(configured, ((Number) port.get("port")).intValue(),
                        name + ": Service port = quarkus.http.port, so the in-cluster URL is http://" + name + ":" + configured);
                assertEquals(configured, containerPort(c, port.get("targetPort")), name + ": targetPort");
            }
            assertTrue(list(c, "ports").stream().allMatch(p -> ((Number) p.get("containerPort")).intValue() == configured),
                    name + ": containerPort = quarkus.http.port " + configured);
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyReferenceAndInClusterUrlResolves(String overlay) {
        Rendered r = render(overlay);
        for (Map<String, Object> deployment : r.all("Deployment")) {
            Map<String, Object> podSpec = map(deployment, "spec", "template", "spec");
            for (Map<String, Object> volume : optionalList(podSpec, "volumes")) {
                if (volume.containsKey("secret")) {
                    Map<String, Object> secret = r.get("Secret", str(volume, "secret", "secretName"));
                    for (Map<String, Object> item : optionalList(volume, "secret", "items")) {
                        assertTrue(r.secretEntries(secret).containsKey(str(item, "key")), name(deployment) + ": " + item);
                    }
                }
            }
            for (Map<String, Object> c : containers(deployment)) {
                for (Map.Entry<String, String> env : r.environment(c).entrySet()) {
                    // in-cluster URLs are http://<service>:<port>; public ones have dots, local ones are localhost
                    Matcher url = Pattern.compile("https?://([a-z0-9-]+):(\\d+)").matcher(env.getValue());
                    while (url.find()) {
                        if (url.group(1).equals("localhost")) {
                            continue;
                        }
                        Map<String, Object> target = r.get("Service", url.group(1));
                        assertTrue(list(target, "spec", "ports").stream()
                                .anyMatch(p -> String.valueOf(p.get("port")).equals(url.group(2))),
                                name(deployment) + ": " + env.getKey() + " points at a port of Service " + url.group(1));
                    }
                }
            }
        }
        // the signing-key files auth-service is told about are in the Secret mounted where they are looked for
        Map<String, Object> auth = r.get("Deployment", "auth-service");
        Properties authConfig = properties(r.secretEntries(r.get("Secret", "auth-service-secrets")).get("application.properties"));
        Set<String> kids = new TreeSet<>();
        for (String key : authConfig.stringPropertyNames()) {
            Matcher kid = Pattern.compile("parley\\.auth\\.signing-keys\\.files\\.\"?([\\w.-]+)\"?").matcher(key);
            if (kid.matches()) {
                kids.add(kid.group(1));
                Path file = Path.of(authConfig.getProperty(key));
                Map<String, Object> mount = list(containers(auth).get(0), "volumeMounts").stream()
                        .filter(v -> file.getParent().toString().equals(v.get("mountPath"))).findFirst()
                        .orElseThrow(() -> new AssertionError("nothing mounted at " + file.getParent()));
                Map<String, Object> volume = list(auth, "spec", "template", "spec", "volumes").stream()
                        .filter(v -> mount.get("name").equals(v.get("name"))).findFirst().orElseThrow();
                Map<String, Object> keys = r.get("Secret", str(volume, "secret", "secretName"));
                assertTrue(r.secretEntries(keys).containsKey(file.getFileName().toString()), "signing key file " + file);
            }
        }
        assertFalse(kids.isEmpty(), "auth-service is configured with signing keys");
        assertTrue(kids.contains(authConfig.getProperty("parley.auth.signing-keys.active")), "the active kid is configured");
        Properties chatConfig = properties(r.secretEntries(r.get("Secret", "chat-service-secrets")).get("application.properties"));
        assertNotNull(chatConfig.getProperty("parley.chat.crypto.keys.\"" + chatConfig.getProperty("parley.chat.crypto.active-key") + "\""),
                "the active message key is configured");
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void secretsHoldPlaceholdersOnly(String overlay) {
        Rendered r = render(overlay);
        assertFalse(r.all("Secret").isEmpty(), "the Secret templates are rendered");
        for (Map<String, Object> secret : r.all("Secret")) {
            for (Map.Entry<String, String> entry : r.secretEntries(secret).entrySet()) {
                String where = "Secret " + name(secret) + " / " + entry.getKey();
                if (entry.getKey().endsWith(".properties")) {
                    Properties props = properties(entry.getValue());
                    assertFalse(props.isEmpty(), where + " is not empty");
                    for (String key : props.stringPropertyNames()) {
                        String value = props.getProperty(key).trim();
                        boolean structure = NON_SECRET_PROPERTIES.entrySet().stream()
                                .anyMatch(e -> e.getKey().matcher(key).matches() && e.getValue().matcher(value).matches());
                        assertTrue(structure || PLACEHOLDER.equals(value), where + ": " + key + " must be " + PLACEHOLDER);
                    }
                } else {
                    assertEquals(PLACEHOLDER, entry.getValue().trim(), where + " must be " + PLACEHOLDER);
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void ingressReachesTheGatewayOnly(String overlay) {
        Rendered r = render(overlay);
        assertFalse(r.all("Ingress").isEmpty(), "an Ingress");
        Map<String, Object> gateway = r.get("Service", "gateway");
        for (Map<String, Object> ingress : r.all("Ingress")) {
            Map<String, Object> annotations = map(ingress, "metadata", "annotations");
            for (String timeout : List.of("proxy-read-timeout", "proxy-send-timeout")) {
                Object seconds = annotations.get("nginx.ingress.kubernetes.io/" + timeout);
                assertTrue(seconds != null && Integer.parseInt(seconds.toString()) >= 3600, timeout + " keeps WebSockets open");
            }
            List<Map<String, Object>> backends = new ArrayList<>();
            if (map(ingress, "spec").containsKey("defaultBackend")) {
                backends.add(map(ingress, "spec", "defaultBackend"));
            }
            for (Map<String, Object> rule : optionalList(ingress, "spec", "rules")) {
                optionalList(rule, "http", "paths").forEach(p -> backends.add(map(p, "backend")));
            }
            assertFalse(backends.isEmpty(), name(ingress) + " routes somewhere");
            // the gateway's /q/* (health, metrics) is not for outside: no path of the Ingress may reach it (review L11)
            for (Map<String, Object> rule : optionalList(ingress, "spec", "rules")) {
                for (Map<String, Object> path : optionalList(rule, "http", "paths")) {
                    String p = str(path, "path");
                    String type = str(path, "pathType");
                    boolean reachesQ = "/q/metrics".startsWith(p) && !"Exact".equals(type) || p.startsWith("/q");
                    assertFalse(reachesQ, name(ingress) + ": path " + p + " (" + type + ") would expose the gateway's /q/*");
                }
            }
            for (Map<String, Object> backend : backends) {
                assertEquals("gateway", str(backend, "service", "name"), name(ingress) + " routes to the gateway only");
                Map<String, Object> port = map(backend, "service", "port");
                assertTrue(list(gateway, "spec", "ports").stream().anyMatch(p -> p.get("name").equals(port.get("name"))
                        || p.get("port").equals(port.get("number"))), name(ingress) + ": a port of the gateway Service");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void networkPoliciesDenyByDefaultAndAllowOnlyTheDesignedCalls(String overlay) {
        Rendered r = render(overlay);
        List<Map<String, Object>> policies = r.all("NetworkPolicy");
        assertTrue(policies.stream().anyMatch(p -> map(p, "spec", "podSelector").isEmpty()
                && strings(p, "spec", "policyTypes").containsAll(List.of("Ingress", "Egress"))
                && optionalList(p, "spec", "ingress").isEmpty() && optionalList(p, "spec", "egress").isEmpty()),
                "a default-deny policy: every pod, Ingress and Egress, no rule");
        Map<String, Set<String>> callers = new TreeMap<>();
        Map<String, Set<String>> callees = new TreeMap<>();
        for (String service : SERVICES) {
            Map<String, Object> podLabels = map(r.get("Deployment", service), "spec", "template", "metadata", "labels");
            int port = configuredPort(service);
            for (Map<String, Object> policy : policies) {
                Map<String, Object> selector = map(policy, "spec", "podSelector");
                assertFalse(selector.containsKey("matchExpressions"), "this check reads matchLabels only");
                if (!matches(asMap(selector.getOrDefault("matchLabels", Map.of())), podLabels)) {
                    continue;
                }
                for (Map<String, Object> rule : optionalList(policy, "spec", "ingress")) {
                    assertTrue(optionalList(rule, "ports").stream().allMatch(p -> ((Number) p.get("port")).intValue() == port)
                            && !optionalList(rule, "ports").isEmpty(), service + ": ingress only on its port " + port);
                    List<Map<String, Object>> from = optionalList(rule, "from");
                    if (from.isEmpty()) {
                        callers.computeIfAbsent(service, k -> new TreeSet<>()).add(OUTSIDE);
                    }
                    for (Map<String, Object> peer : from) {
                        callers.computeIfAbsent(service, k -> new TreeSet<>()).add(peerName(peer));
                    }
                }
                for (Map<String, Object> rule : optionalList(policy, "spec", "egress")) {
                    for (Map<String, Object> peer : optionalList(rule, "to")) {
                        if (peer.containsKey("podSelector") && !peer.containsKey("namespaceSelector")) {
                            callees.computeIfAbsent(service, k -> new TreeSet<>()).add(peerName(peer));
                        }
                    }
                }
            }
        }
        Map<String, Set<String>> expectedCallees = new TreeMap<>();
        ALLOWED_CALLERS.forEach((callee, from) -> from.stream().filter(SERVICES::contains)
                .forEach(caller -> expectedCallees.computeIfAbsent(caller, k -> new TreeSet<>()).add(callee)));
        assertEquals(new TreeMap<>(ALLOWED_CALLERS), callers, "who may connect to whom (ingress rules)");
        assertEquals(expectedCallees, callees, "who may connect to whom (egress rules)");
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void autoscalersBudgetsAndReplicasFitTogether(String overlay) {
        Rendered r = render(overlay);
        Set<String> scaled = new TreeSet<>();
        for (Map<String, Object> hpa : r.all("HorizontalPodAutoscaler")) {
            String target = str(hpa, "spec", "scaleTargetRef", "name");
            Map<String, Object> deployment = r.get("Deployment", target);
            assertFalse(map(deployment, "spec").containsKey("replicas"), target + ": the autoscaler alone sets replicas");
            assertTrue(((Number) map(hpa, "spec").get("minReplicas")).intValue()
                    <= ((Number) map(hpa, "spec").get("maxReplicas")).intValue(), target + ": min <= max");
            scaled.add(target);
        }
        assertEquals(Set.of("chat-service", "gateway"), scaled, "autoscaled services");
        for (String service : SERVICES) {
            Map<String, Object> podLabels = map(r.get("Deployment", service), "spec", "template", "metadata", "labels");
            assertEquals(1, r.all("PodDisruptionBudget").stream()
                    .filter(pdb -> matches(map(pdb, "spec", "selector", "matchLabels"), podLabels)).count(),
                    service + ": one PodDisruptionBudget");
        }
        // more than one chat-service replica only works with the Redis relay between them
        Map<String, Object> hpa = r.get("HorizontalPodAutoscaler", "chat-service");
        if (((Number) map(hpa, "spec").get("maxReplicas")).intValue() > 1) {
            Map<String, String> env = r.environment(containers(r.get("Deployment", "chat-service")).get(0));
            assertEquals("true", env.get("PARLEY_CHAT_REDIS_ENABLED"), "chat-service replicas share Redis");
            assertNotNull(env.get("QUARKUS_REDIS_HOSTS"), "chat-service is told where Redis is");
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everythingLandsInTheOverlaysNamespace(String overlay) {
        Rendered r = render(overlay);
        List<Map<String, Object>> namespaces = r.all("Namespace");
        assertEquals(1, namespaces.size(), "the overlay declares its namespace");
        Map<String, Object> namespace = namespaces.get(0);
        assertEquals("restricted", str(namespace, "metadata", "labels", "pod-security.kubernetes.io/enforce"),
                "Pod Security restricted is enforced");
        for (Map<String, Object> object : r.objects) {
            if (!"Namespace".equals(object.get("kind"))) {
                assertEquals(name(namespace), str(object, "metadata", "namespace"), object.get("kind") + " " + name(object));
            }
        }
    }

    // ---- rendering ----

    /** The output of {@code kubectl kustomize k8s/overlays/<overlay>}, parsed. */
    static final class Rendered {
        final List<Map<String, Object>> objects;

        Rendered(List<Map<String, Object>> objects) {
            this.objects = objects;
        }

        List<Map<String, Object>> all(String kind) {
            return objects.stream().filter(o -> kind.equals(o.get("kind"))).toList();
        }

        List<String> names(String kind) {
            return all(kind).stream().map(KustomizeTest::name).toList();
        }

        Map<String, Object> get(String kind, String name) {
            return all(kind).stream().filter(o -> name.equals(name(o))).findFirst()
                    .orElseThrow(() -> new AssertionError("no " + kind + " named " + name));
        }

        List<Map<String, Object>> selected(Map<String, Object> selector) {
            return all("Deployment").stream()
                    .filter(d -> matches(selector, map(d, "spec", "template", "metadata", "labels"))).toList();
        }

        /** data (base64-decoded) and stringData of a Secret. */
        Map<String, String> secretEntries(Map<String, Object> secret) {
            Map<String, String> entries = new LinkedHashMap<>();
            asMap(secret.getOrDefault("data", Map.of())).forEach((k, v) -> entries.put(k,
                    new String(Base64.getDecoder().decode(v.toString()), StandardCharsets.UTF_8)));
            asMap(secret.getOrDefault("stringData", Map.of())).forEach((k, v) -> entries.put(k, v.toString()));
            return entries;
        }

        /** A container's environment as the pod sees it; a value from a Secret reads "secret:name/key". */
        Map<String, String> environment(Map<String, Object> container) {
            Map<String, String> env = new HashMap<>();
            for (Map<String, Object> from : optionalList(container, "envFrom")) {
                if (from.containsKey("configMapRef")) {
                    asMap(get("ConfigMap", str(from, "configMapRef", "name")).getOrDefault("data", Map.of()))
                            .forEach((k, v) -> env.put(k, v.toString()));
                } else {
                    String secret = str(from, "secretRef", "name");
                    secretEntries(get("Secret", secret)).keySet().forEach(k -> env.put(k, "secret:" + secret + "/" + k));
                }
            }
            for (Map<String, Object> var : optionalList(container, "env")) {
                String name = str(var, "name");
                if (var.containsKey("value")) {
                    env.put(name, var.get("value").toString());
                } else if (map(var, "valueFrom").containsKey("secretKeyRef")) {
                    Map<String, Object> ref = map(var, "valueFrom", "secretKeyRef");
                    assertTrue(secretEntries(get("Secret", str(ref, "name"))).containsKey(str(ref, "key")), "env " + name + ": " + ref);
                    env.put(name, "secret:" + str(ref, "name") + "/" + str(ref, "key"));
                } else {
                    Map<String, Object> ref = map(var, "valueFrom", "configMapKeyRef");
                    env.put(name, str(get("ConfigMap", str(ref, "name")), "data", str(ref, "key")));
                }
            }
            return env;
        }
    }

    static Rendered render(String overlay) {
        // each test is reported as skipped, with the reason, rather than silently absent
        Assumptions.assumeTrue(KUBECTL, NO_KUBECTL);
        return RENDERED.computeIfAbsent(overlay, o -> {
            Path dir = ROOT.resolve("k8s/overlays").resolve(o);
            try {
                Path errors = Files.createTempFile("kustomize-", ".err");
                try {
                    Process kubectl = new ProcessBuilder("kubectl", "kustomize", dir.toString())
                            .redirectError(errors.toFile()).start();
                    byte[] out = kubectl.getInputStream().readAllBytes();
                    assertTrue(kubectl.waitFor(120, TimeUnit.SECONDS), "kubectl kustomize " + dir + " finished");
                    assertEquals(0, kubectl.exitValue(), "kubectl kustomize " + dir + ":\n" + Files.readString(errors));
                    Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
                    List<Map<String, Object>> objects = new ArrayList<>();
                    for (Object doc : yaml.loadAll(new String(out, StandardCharsets.UTF_8))) {
                        if (doc != null) {
                            objects.add(asMap(doc));
                        }
                    }
                    assertFalse(objects.isEmpty(), dir + " renders objects");
                    return new Rendered(objects);
                } finally {
                    Files.deleteIfExists(errors);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        });
    }

    // ---- the services' own configuration ----

    /** quarkus.http.port of a module as its packaged application.properties sets it for prod. */
    static int configuredPort(String service) {
        Path file = ROOT.resolve(service).resolve("src/main/resources/application.properties");
        try {
            Properties props = properties(Files.readString(file));
            String port = props.getProperty("%prod.quarkus.http.port", props.getProperty("quarkus.http.port"));
            assertNotNull(port, file + " sets quarkus.http.port");
            return Integer.parseInt(port.trim());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("k8s/overlays")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no k8s/overlays above " + Path.of("").toAbsolutePath());
    }

    static boolean onPath(String program) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(Pattern.quote(File.pathSeparator)))
                .filter(dir -> !dir.isBlank()).map(dir -> Path.of(dir, program)).anyMatch(Files::isExecutable);
    }

    // ---- reading the parsed YAML ----

    static List<Map<String, Object>> containers(Map<String, Object> deployment) {
        return list(deployment, "spec", "template", "spec", "containers");
    }

    static int containerPort(Map<String, Object> container, Object port) {
        if (port instanceof Number number) {
            return number.intValue();
        }
        return list(container, "ports").stream().filter(p -> String.valueOf(port).equals(p.get("name")))
                .map(p -> ((Number) p.get("containerPort")).intValue()).findFirst()
                .orElseThrow(() -> new AssertionError(container.get("name") + " has no port named " + port));
    }

    /** The service a network policy peer names; anything not a pod of this namespace counts as outside. */
    static String peerName(Map<String, Object> peer) {
        if (peer.containsKey("namespaceSelector") || peer.containsKey("ipBlock") || !peer.containsKey("podSelector")) {
            return OUTSIDE;
        }
        Map<String, Object> selector = map(peer, "podSelector");
        assertFalse(selector.containsKey("matchExpressions"), "this check reads matchLabels only");
        return str(selector, "matchLabels", NAME_LABEL);
    }

    static boolean matches(Map<String, Object> selector, Map<String, Object> labels) {
        return selector.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
    }

    static Properties properties(String text) {
        Properties props = new Properties();
        try {
            props.load(new StringReader(text));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return props;
    }

    /** Kubernetes quantities: 250m, 1, 64Mi, 1Gi, 100M. */
    static double quantity(String value) {
        Matcher m = Pattern.compile("([0-9.]+)(m|k|M|G|Ki|Mi|Gi)?").matcher(value);
        assertTrue(m.matches(), "a quantity: " + value);
        double unit = switch (m.group(2) == null ? "" : m.group(2)) {
            case "m" -> 0.001;
            case "k" -> 1e3;
            case "M" -> 1e6;
            case "G" -> 1e9;
            case "Ki" -> 1024;
            case "Mi" -> 1024 * 1024;
            case "Gi" -> 1024 * 1024 * 1024;
            default -> 1;
        };
        return Double.parseDouble(m.group(1)) * unit;
    }

    static String name(Map<String, Object> object) {
        return str(object, "metadata", "name");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> asMap(Object value) {
        assertTrue(value instanceof Map, "a mapping: " + value);
        return (Map<String, Object>) value;
    }

    static Object at(Map<String, Object> object, String... path) {
        Object value = object;
        for (String key : path) {
            value = asMap(value).get(key);
            if (value == null) {
                throw new AssertionError("missing " + String.join(".", path) + " in " + object.getOrDefault("kind", "")
                        + " " + (object.containsKey("metadata") ? name(object) : object.getOrDefault("name", "")));
            }
        }
        return value;
    }

    static Map<String, Object> map(Map<String, Object> object, String... path) {
        return asMap(at(object, path));
    }

    static String str(Map<String, Object> object, String... path) {
        return at(object, path).toString();
    }

    /** A list of mappings (containers, ports, rules ...). */
    static List<Map<String, Object>> list(Map<String, Object> object, String... path) {
        return objects(at(object, path), path);
    }

    /** A list of mappings that may be absent: absent is empty. */
    static List<Map<String, Object>> optionalList(Map<String, Object> object, String... path) {
        Object value = object;
        for (String key : path) {
            value = value instanceof Map<?, ?> m ? m.get(key) : null;
        }
        return value == null ? List.of() : objects(value, path);
    }

    /** A list of scalars (policyTypes, capabilities ...), absent is empty. */
    static List<String> strings(Map<String, Object> object, String... path) {
        Object value = object;
        for (String key : path) {
            value = value instanceof Map<?, ?> m ? m.get(key) : null;
        }
        assertTrue(value == null || value instanceof List, String.join(".", path) + " is a list");
        return value == null ? List.of() : ((List<?>) value).stream().map(String::valueOf).toList();
    }

    private static List<Map<String, Object>> objects(Object value, String... path) {
        assertTrue(value instanceof List, String.join(".", path) + " is a list");
        return ((List<?>) value).stream().map(KustomizeTest::asMap).toList();
    }
}
