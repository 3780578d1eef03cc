package io.github.sysched.scheduler;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.github.sysched.annotation.AnnotationSignature;
import io.github.sysched.annotation.PlacementAnnotations;
import io.github.sysched.annotation.SyscallAnnotation;
import io.github.sysched.kube.ClusterView;
import io.github.sysched.scheduler.state.ClusterState;
import io.github.sysched.scoring.ExsEngine;
import io.github.sysched.spo.SeccompProfileV1Beta1;
import io.github.sysched.syscall.SyscallSet;
import io.github.sysched.testsupport.TestNodes;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A fabric8 mock API server in CRUD mode (loopback only) plus the extender application on random ports.
 * Nothing here reaches beyond 127.0.0.1.
 */
public final class Harness implements AutoCloseable {

    public static final JsonMapper JSON = JsonMapper.builder().build();
    private static final io.fabric8.kubernetes.client.utils.KubernetesSerialization SERIALIZATION =
            new io.fabric8.kubernetes.client.utils.KubernetesSerialization();

    private final KubernetesClient client;
    private final ConfigurableApplicationContext context;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Harness(KubernetesClient client, ConfigurableApplicationContext context) {
        this.client = client;
        this.context = context;
    }

    public static KubernetesMockServer newServer() {
        return newServer(new KubernetesCrudDispatcher());
    }

    /** A mock API server in CRUD mode on loopback with {@code dispatcher} (e.g. a {@link WatchControlDispatcher}). */
    public static KubernetesMockServer newServer(KubernetesCrudDispatcher dispatcher) {
        KubernetesMockServer server =
                new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        return server;
    }

    /**
     * Starts the application against {@code client} and waits until readiness reports the informer synced.
     * Unless {@code properties} set {@code sysched.scheduler.spo.scope}, the scope is configured as
     * {@code cluster} (SPO v0.9+), so tests that do not install the SeccompProfile CRD still start.
     */
    public static Harness start(KubernetesClient client, String... properties) {
        Harness harness = startWithoutWaiting(client, properties);
        harness.await("pod informer synced", harness::podsSynced);
        return harness;
    }

    /** {@link #start} without waiting for readiness. */
    public static Harness startWithoutWaiting(KubernetesClient client, String... properties) {
        List<String> props = new ArrayList<>(List.of(
                "server.port=0",
                "management.server.port=0",
                "sysched.scheduler.informer.profile-wait=3s",
                "spring.main.banner-mode=off"));
        if (Arrays.stream(properties).noneMatch(p -> p.startsWith("sysched.scheduler.spo.scope="))) {
            props.add("sysched.scheduler.spo.scope=cluster");
        }
        if (Arrays.stream(properties).noneMatch(p -> p.startsWith("sysched.scheduler.annotations.key-dir="))) {
            props.add("sysched.scheduler.annotations.key-dir=" + KEY_DIR); // the pods of pod(...) are signed with KEY
        }
        props.addAll(List.of(properties));
        // as command-line arguments: they must win over application.yaml (builder properties would not)
        ConfigurableApplicationContext context = new SpringApplicationBuilder(SchedulerApplication.class)
                .initializers(ctx -> ctx.getBeanFactory().registerSingleton("kubernetesClient", client))
                .run(props.stream().map(p -> "--" + p).toArray(String[]::new));
        return new Harness(client, context);
    }

    public <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    public ClusterView view() {
        return bean(ClusterView.class);
    }

    /** The pod informer's initial list has been applied to the state. */
    public boolean podsSynced() {
        return view().synced(ClusterView.Resource.PODS);
    }

    public ClusterState state() {
        return bean(ClusterState.class);
    }

    public ExsEngine engine() {
        return bean(ExsEngine.class);
    }

    public KubernetesClient client() {
        return client;
    }

    public ConfigurableApplicationContext context() {
        return context;
    }

    public int port() {
        return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
    }

    public int managementPort() {
        return Integer.parseInt(context.getEnvironment().getProperty("local.management.port"));
    }

    public HttpResponse<String> post(String path, String body) {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .timeout(Duration.ofSeconds(10))
                .build());
    }

    /** POSTs raw bytes (fuzzing: invalid UTF-8, truncated JSON); an I/O failure is an UncheckedIOException. */
    public HttpResponse<String> post(String path, byte[] body) {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .timeout(Duration.ofSeconds(20))
                .build());
    }

    public JsonNode postJson(String path, String body) {
        HttpResponse<String> response = post(path, body);
        if (response.statusCode() != 200) {
            throw new AssertionError(path + " answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    public HttpResponse<String> getManagement(String path) {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort() + path))
                .GET()
                .timeout(Duration.ofSeconds(10))
                .build());
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public void await(String what, BooleanSupplier condition) {
        awaitCondition(what, condition);
    }

    public static void awaitCondition(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    @Override
    public void close() {
        context.close();
    }

    // ---- fixtures -------------------------------------------------------------------------------------

    /** A seed-demo SeccompProfile, test-support's /sysched-examples/NAME.profile.yaml (examples/sysched-demo). */
    public static SeccompProfileV1Beta1 profile(String name) {
        try (InputStream in = Harness.class.getResourceAsStream("/sysched-examples/" + name + ".profile.yaml")) {
            if (in == null) {
                throw new IllegalArgumentException("no profile " + name);
            }
            return SERIALIZATION.unmarshal(in, SeccompProfileV1Beta1.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The names under SCMP_ACT_ALLOW of a seed-demo profile (the demo profiles have only that action). */
    public static SyscallSet profileSet(String name) {
        List<String> names = new ArrayList<>();
        profile(name).getSpec().getSyscalls().stream()
                .filter(rule -> "SCMP_ACT_ALLOW".equals(rule.getAction()))
                .forEach(rule -> names.addAll(rule.getNames()));
        return SyscallSet.of(names);
    }

    /** An allow-list SeccompProfile {@code namespace/name} (v1beta1) with an optional base profile. */
    public static SeccompProfileV1Beta1 profile(String namespace, String name, String base, String... allowed) {
        SeccompProfileV1Beta1 profile = new SeccompProfileV1Beta1();
        profile.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
                .withNamespace(namespace)
                .withName(name)
                .build());
        io.github.sysched.spo.SeccompProfileSpec spec = new io.github.sysched.spo.SeccompProfileSpec();
        spec.setDefaultAction("SCMP_ACT_ERRNO");
        spec.setBaseProfileName(base);
        io.github.sysched.spo.SeccompSyscall rule = new io.github.sysched.spo.SeccompSyscall();
        rule.setAction("SCMP_ACT_ALLOW");
        rule.setNames(List.of(allowed));
        spec.setSyscalls(List.of(rule));
        profile.setSpec(spec);
        return profile;
    }

    /** An unannotated pod whose pod-level securityContext.seccompProfile has {@code type} (and Localhost path). */
    public static Pod podWithSeccomp(String name, String type, String localhostProfile) {
        return new PodBuilder(pod(name, null))
                .editSpec()
                .withNewSecurityContext()
                .withNewSeccompProfile()
                .withType(type)
                .withLocalhostProfile(localhostProfile)
                .endSeccompProfile()
                .endSecurityContext()
                .endSpec()
                .build();
    }

    public static String annotation(SyscallSet set, String source) {
        return new SyscallAnnotation(set, List.of(source)).encode();
    }

    /**
     * A pending pod (no node) in {@code default} with the syscalls annotation when {@code set} is not null, as the
     * webhook writes it: signed with {@link #KEY} (the key the harness's extender trusts).
     */
    public static Pod pod(
            String name, SyscallSet set, Map<String, String> labels, Map<String, String> extraAnnotations) {
        Map<String, String> annotations = new LinkedHashMap<>(extraAnnotations);
        if (set != null) {
            annotations.put(PlacementAnnotations.SYSCALLS, annotation(set, "default/" + name));
        }
        return signed(new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace("default")
                .withUid(UUID.randomUUID().toString())
                .withLabels(labels)
                .withAnnotations(annotations)
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName(name)
                .withImage("example/" + name)
                .endContainer()
                .endSpec()
                .build());
    }

    /** The key the harness's extender trusts (files {@code current} in {@link #KEY_DIR}). */
    public static final AnnotationSignature.Key KEY = AnnotationSignature.Key.of(
            "sysched-test-annotation-key-0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.UTF_8));

    public static final java.nio.file.Path KEY_DIR = keyDirectory(KEY);

    /** A directory laid out as the chart mounts the annotation key Secret, holding {@code current}. */
    public static java.nio.file.Path keyDirectory(AnnotationSignature.Key current) {
        try {
            java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("sysched-annotation-keys");
            java.nio.file.Files.write(dir.resolve("current"), current.secret());
            dir.toFile().deleteOnExit();
            dir.resolve("current").toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code pod} with the webhook's signature over its current annotations (replacing any signature). */
    public static Pod signed(Pod pod) {
        return signed(pod, KEY);
    }

    public static Pod signed(Pod pod, AnnotationSignature.Key key) {
        Map<String, String> annotations = new LinkedHashMap<>(
                pod.getMetadata().getAnnotations() == null
                        ? Map.of()
                        : pod.getMetadata().getAnnotations());
        annotations.remove(PlacementAnnotations.SIGNATURE);
        annotations.put(
                PlacementAnnotations.SIGNATURE,
                AnnotationSignature.sign(
                        key,
                        pod.getMetadata().getNamespace(),
                        pod.getMetadata().getName(),
                        pod.getMetadata().getGenerateName(),
                        annotations));
        return new PodBuilder(pod)
                .editMetadata()
                .withAnnotations(annotations)
                .endMetadata()
                .build();
    }

    public static Pod pod(String name, SyscallSet set) {
        return pod(name, set, Map.of(), Map.of());
    }

    /**
     * A ReplicaSet in {@code default} of {@code replicas} pods labelled {@code app: name}, for {@code schedulerName},
     * whose template names the Localhost seccomp profile {@code localhostProfile} and one container
     * {@code example/name}.
     */
    public static ReplicaSet replicaSet(String name, int replicas, String localhostProfile, String schedulerName) {
        return new ReplicaSetBuilder()
                .withNewMetadata()
                .withNamespace("default")
                .withName(name)
                .endMetadata()
                .withNewSpec()
                .withReplicas(replicas)
                .withNewSelector()
                .addToMatchLabels("app", name)
                .endSelector()
                .withNewTemplate()
                .withNewMetadata()
                .addToLabels("app", name)
                .endMetadata()
                .withNewSpec()
                .withSchedulerName(schedulerName)
                .withNewSecurityContext()
                .withNewSeccompProfile()
                .withType("Localhost")
                .withLocalhostProfile(localhostProfile)
                .endSeccompProfile()
                .endSecurityContext()
                .addNewContainer()
                .withName(name)
                .withImage("example/" + name)
                .endContainer()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build();
    }

    /**
     * A replica of {@code replicaSet} (its controller reference, label {@code app}) for {@code schedulerName}, annotated
     * with {@code set} as the webhook would, not bound yet.
     */
    public static Pod replica(
            String name, SyscallSet set, String replicaSet, String replicaSetUid, String schedulerName) {
        return new PodBuilder(pod(name, set, Map.of("app", replicaSet), Map.of()))
                .editMetadata()
                .addNewOwnerReference()
                .withApiVersion("apps/v1")
                .withKind("ReplicaSet")
                .withName(replicaSet)
                .withUid(replicaSetUid)
                .withController(true)
                .endOwnerReference()
                .endMetadata()
                .editSpec()
                .withSchedulerName(schedulerName)
                .endSpec()
                .build();
    }

    public Pod create(Pod pod) {
        return client.pods()
                .inNamespace(pod.getMetadata().getNamespace())
                .resource(pod)
                .create();
    }

    /** What a binding does to a real API server (the mock's bindings endpoint does not set spec.nodeName). */
    public Pod bindInMock(Pod pod, String node) {
        Pod bound = client.pods()
                .inNamespace(pod.getMetadata().getNamespace())
                .withName(pod.getMetadata().getName())
                .edit(p -> new PodBuilder(p)
                        .editSpec()
                        .withNodeName(node)
                        .endSpec()
                        .build());
        String uid = bound.getMetadata().getUid();
        await(
                "pod " + pod.getMetadata().getName() + " counted on " + node,
                () -> engine().nodeOf(uid).filter(node::equals).isPresent());
        return bound;
    }

    /** A filter/prioritize request as kube-scheduler sends it to a nodeCacheCapable extender. */
    public static String argsWithNodeNames(Pod pod, List<String> nodes) {
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("Pod", pod);
        args.put("Nodes", null);
        args.put("NodeNames", nodes);
        return JSON.writeValueAsString(args);
    }

    /** A filter/prioritize request with full v1.Node objects (extender not nodeCacheCapable). */
    public static String argsWithNodes(Pod pod, List<String> nodes) {
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("Pod", pod);
        List<Object> items = new ArrayList<>();
        for (String node : nodes) {
            items.add(TestNodes.ready(node));
        }
        args.put("Nodes", Map.of("metadata", Map.of(), "items", items));
        args.put("NodeNames", null);
        return JSON.writeValueAsString(args);
    }

    /** Valid ExtenderArgs bodies (node names and full nodes; with and without our annotations): the fuzz seeds. */
    public static List<JsonNode> extenderArgsSeeds() {
        SyscallSet nginx = profileSet("nginx");
        Pod annotated = pod("web", nginx);
        Pod classed = pod(
                "tenant-a", nginx, Map.of("ipp-class", "tenant-a"), Map.of(PlacementAnnotations.IPP_CLASS, "tenant-a"));
        Pod unannotated = podWithSeccomp("bare", "Localhost", "operator/default/nginx-seccomp.json");
        List<String> nodes = List.of("node-a", "node-b", "node-c");
        return List.of(
                JSON.readTree(argsWithNodeNames(annotated, nodes)),
                JSON.readTree(argsWithNodeNames(classed, nodes)),
                JSON.readTree(argsWithNodes(unannotated, nodes)),
                JSON.readTree(argsWithNodes(classed, nodes)));
    }

    /** Valid ExtenderBindingArgs bodies, one with the keys in lower case as kube-scheduler also accepts. */
    public static List<JsonNode> bindingArgsSeeds() {
        return List.of(
                JSON.readTree("{\"PodName\":\"placed\",\"PodNamespace\":\"default\",\"PodUID\":\"u1\","
                        + "\"Node\":\"node-a\"}"),
                JSON.readTree("{\"podname\":\"pending\",\"podnamespace\":\"default\",\"node\":\"node-c\"}"));
    }
}
