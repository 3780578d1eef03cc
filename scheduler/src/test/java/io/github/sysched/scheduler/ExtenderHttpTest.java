package io.github.sysched.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.github.sysched.annotation.PlacementAnnotations;
import io.github.sysched.syscall.SyscallSet;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Golden extender requests in the shape kube-scheduler sends (Go field names, no JSON tags), both node forms,
 * case-insensitive keys, IPP filtering, readiness and the disabled /bind.
 */
class ExtenderHttpTest {

    static KubernetesMockServer server;
    static KubernetesClient client;
    static Harness harness;

    /** A pending pod as kube-scheduler marshals it (v1.Pod with its JSON tags). */
    static final String GOLDEN_POD = """
            {"metadata":{"name":"web-7d9f","namespace":"default","uid":"0b7c3a52-6f1e-4d7e-9a51-1f6c0d3c2a10",\
            "resourceVersion":"1234","creationTimestamp":"2026-01-01T00:00:00Z","labels":{"app":"web"},\
            "annotations":{"exs.sysched.io/syscalls":"%s","exs.sysched.io/signature":"%s"},\
            "ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"web","uid":"u1","controller":true}]},\
            "spec":{"containers":[{"name":"web","image":"nginx:1.16","resources":{},\
            "terminationMessagePath":"/dev/termination-log","imagePullPolicy":"IfNotPresent"}],\
            "restartPolicy":"Always","schedulerName":"sysched-scheduler","priority":0,\
            "tolerations":[{"key":"node.kubernetes.io/not-ready","operator":"Exists","effect":"NoExecute","tolerationSeconds":300}]},\
            "status":{"phase":"Pending","qosClass":"BestEffort"}}""";

    static final String GOLDEN_NODE = """
            {"metadata":{"name":"%s","uid":"n-%s","labels":{"kubernetes.io/hostname":"%s"}},\
            "spec":{"podCIDR":"10.244.1.0/24"},\
            "status":{"capacity":{"cpu":"2","memory":"8Gi","pods":"110"},\
            "conditions":[{"type":"Ready","status":"True","reason":"KubeletReady"}]}}""";

    @BeforeAll
    static void start() {
        server = Harness.newServer();
        client = server.createClient();
        harness = Harness.start(client);
        // node-full hosts nginx; node-x hosts class tenant-a (annotation); node-y class tenant-b (label);
        // node-plain hosts an unclassed pod; node-empty nothing.
        SyscallSet nginx = Harness.profileSet("nginx");
        place(Harness.pod("nginx-a", nginx), "node-full");
        place(Harness.pod("tenant-a-1", nginx, Map.of(), Map.of(PlacementAnnotations.IPP_CLASS, "tenant-a")), "node-x");
        place(Harness.pod("tenant-b-1", nginx, Map.of("ipp-class", "tenant-b"), Map.of()), "node-y");
        place(Harness.pod("plain-1", nginx), "node-plain");
    }

    static void place(Pod pod, String node) {
        harness.create(pod);
        harness.bindInMock(pod, node);
    }

    @AfterAll
    static void stop() {
        if (harness != null) {
            harness.close();
        }
        client.close();
        server.destroy();
    }

    static String goldenPod() {
        String syscalls = Harness.annotation(Harness.profileSet("nginx"), "default/nginx-seccomp");
        String signature = io.github.sysched.annotation.AnnotationSignature.sign(
                Harness.KEY, "default", "web-7d9f", null, Map.of(PlacementAnnotations.SYSCALLS, syscalls));
        return GOLDEN_POD.formatted(syscalls, signature);
    }

    static String goldenNodes(String... names) {
        List<String> items = new ArrayList<>();
        for (String n : names) {
            items.add(GOLDEN_NODE.formatted(n, n, n));
        }
        return "{\"metadata\":{},\"items\":[" + String.join(",", items) + "]}";
    }

    @Test
    void filterWithNodeNamesAnswersExactGoFieldNames() {
        String request = "{\"Pod\":" + goldenPod() + ",\"Nodes\":null,\"NodeNames\":[\"node-full\",\"node-empty\"]}";
        HttpResponse<String> response = harness.post("/filter", request);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body())
                .isEqualTo(
                        "{\"NodeNames\":[\"node-full\",\"node-empty\"],\"FailedNodes\":{},\"FailedAndUnresolvableNodes\":{},\"Error\":\"\"}");
    }

    @Test
    void filterWithFullNodesEchoesTheNodes() {
        String request = "{\"Pod\":" + goldenPod() + ",\"Nodes\":" + goldenNodes("node-full", "node-empty")
                + ",\"NodeNames\":null}";
        JsonNode result = harness.postJson("/filter", request);
        assertThat(result.has("NodeNames")).isFalse();
        JsonNode items = result.get("Nodes").get("items");
        assertThat(items.size()).isEqualTo(2);
        assertThat(items.get(0))
                .isEqualTo(Harness.JSON.readTree(GOLDEN_NODE.formatted("node-full", "node-full", "node-full")));
        assertThat(items.get(1).get("metadata").get("name").asString()).isEqualTo("node-empty");
        assertThat(result.get("Error").asString()).isEmpty();
    }

    @Test
    void filterWithNeitherFormPassesNoNode() {
        JsonNode result =
                harness.postJson("/filter", "{\"Pod\":" + goldenPod() + ",\"Nodes\":null,\"NodeNames\":null}");
        assertThat(result.has("Nodes")).isFalse();
        assertThat(result.has("NodeNames")).isFalse();
        assertThat(result.get("Error").asString()).isEmpty();
        assertThat(harness.postJson("/prioritize", "{\"Pod\":" + goldenPod() + "}")
                        .size())
                .isZero();
    }

    @Test
    void prioritizeWithNodeNamesReturnsHostPriorityList() {
        String request =
                "{\"Pod\":" + goldenPod() + ",\"Nodes\":null,\"NodeNames\":[\"node-empty\",\"node-full\",\"node-y\"]}";
        HttpResponse<String> response = harness.post("/prioritize", request);
        assertThat(response.statusCode()).isEqualTo(200);
        // nginx next to nginx adds 0 (node-y also hosts an nginx set): 10; the empty node costs the opening cost
        // (20) of the default marginal score: the next level, 9 (upstream's score gave all three 10).
        assertThat(response.body())
                .isEqualTo(
                        "[{\"Host\":\"node-empty\",\"Score\":9},{\"Host\":\"node-full\",\"Score\":10},{\"Host\":\"node-y\",\"Score\":10}]");
    }

    @Test
    void prioritizeWithFullNodesScoresByExs() {
        SyscallSet redis = Harness.profileSet("redis");
        Pod pod = Harness.pod("redis-x", redis);
        JsonNode result =
                harness.postJson("/prioritize", Harness.argsWithNodes(pod, List.of("node-full", "node-empty")));
        // redis adds 26 next to nginx, more than the empty node's opening cost (20): one level below it
        assertThat(result.toString())
                .isEqualTo("[{\"Host\":\"node-full\",\"Score\":9},{\"Host\":\"node-empty\",\"Score\":10}]");
    }

    @Test
    void keysAreReadCaseInsensitively() {
        SyscallSet redis = Harness.profileSet("redis");
        String pod = Harness.JSON.writeValueAsString(Harness.pod("redis-y", redis));
        JsonNode lower =
                harness.postJson("/prioritize", "{\"pod\":" + pod + ",\"nodenames\":[\"node-full\",\"node-empty\"]}");
        assertThat(lower.toString())
                .isEqualTo("[{\"Host\":\"node-full\",\"Score\":9},{\"Host\":\"node-empty\",\"Score\":10}]");
        JsonNode upper = harness.postJson(
                "/filter",
                "{\"POD\":" + pod + ",\"NODES\":{\"ITEMS\":[" + GOLDEN_NODE.formatted("node-x", "x", "x") + "]}}");
        assertThat(upper.get("Nodes").get("items").size()).isEqualTo(1);
        JsonNode camel = harness.postJson("/filter", "{\"pod\":" + pod + ",\"nodeNames\":[\"node-x\"]}");
        assertThat(camel.get("NodeNames").get(0).asString()).isEqualTo("node-x");
    }

    @Test
    void ippClassedPodFailsOnNodesOfAnotherClass() {
        Pod tenantA = Harness.pod(
                "tenant-a-2",
                Harness.profileSet("nginx"),
                Map.of(),
                Map.of(PlacementAnnotations.IPP_CLASS, "tenant-a"));
        JsonNode result = harness.postJson(
                "/filter", Harness.argsWithNodeNames(tenantA, List.of("node-x", "node-y", "node-plain", "node-empty")));
        assertThat(names(result.get("NodeNames"))).containsExactly("node-x", "node-plain", "node-empty");
        assertThat(result.get("FailedNodes").size()).isEqualTo(1);
        // one text for every failing node, so that kube-scheduler's FailedScheduling Event counts them together
        // ("0/4 nodes are available: 1 node(s) run pods ..."); the other tenants' classes are not named to this pod
        assertThat(result.get("FailedNodes").get("node-y").asString())
                .isEqualTo("node(s) run pods of another sysched isolation class than the pod's (tenant-a)");
        assertThat(result.get("FailedAndUnresolvableNodes").size()).isZero();

        // The same through the full-Nodes form: the failing node is left out of items.
        JsonNode full = harness.postJson("/filter", Harness.argsWithNodes(tenantA, List.of("node-x", "node-y")));
        assertThat(full.get("Nodes").get("items").size()).isEqualTo(1);
        assertThat(full.get("Nodes")
                        .get("items")
                        .get(0)
                        .get("metadata")
                        .get("name")
                        .asString())
                .isEqualTo("node-x");
        assertThat(full.get("FailedNodes").has("node-y")).isTrue();
    }

    @Test
    void ippClassFromTheLabelAndUnclassedPods() {
        Pod tenantB = Harness.pod("tenant-b-2", Harness.profileSet("nginx"), Map.of("ipp-class", "tenant-b"), Map.of());
        JsonNode result = harness.postJson(
                "/filter", Harness.argsWithNodeNames(tenantB, List.of("node-x", "node-y", "node-plain")));
        assertThat(names(result.get("NodeNames"))).containsExactly("node-y", "node-plain");
        assertThat(result.get("FailedNodes").has("node-x")).isTrue();

        // The annotation wins over the label.
        Pod annotated = Harness.signed(new PodBuilder(tenantB)
                .editMetadata()
                .addToAnnotations(PlacementAnnotations.IPP_CLASS, "tenant-a")
                .endMetadata()
                .build());
        JsonNode byAnnotation =
                harness.postJson("/filter", Harness.argsWithNodeNames(annotated, List.of("node-x", "node-y")));
        assertThat(names(byAnnotation.get("NodeNames"))).containsExactly("node-x");

        // An unclassed pod is not constrained.
        Pod unclassed = Harness.pod("free", Harness.profileSet("nginx"));
        JsonNode free = harness.postJson(
                "/filter", Harness.argsWithNodeNames(unclassed, List.of("node-x", "node-y", "node-plain")));
        assertThat(names(free.get("NodeNames"))).containsExactly("node-x", "node-y", "node-plain");
        assertThat(free.get("FailedNodes").size()).isZero();
    }

    @Test
    void readinessIsUpAfterSyncAndMetricsAreExposed() {
        HttpResponse<String> readiness = harness.getManagement("/actuator/health/readiness");
        assertThat(readiness.statusCode()).isEqualTo(200);
        JsonNode body = Harness.JSON.readTree(readiness.body());
        assertThat(body.get("status").asString()).isEqualTo("UP");
        assertThat(body.get("components")
                        .get("informers")
                        .get("details")
                        .get("podsSynced")
                        .asBoolean())
                .isTrue();
        assertThat(harness.getManagement("/actuator/health/liveness").statusCode())
                .isEqualTo(200);

        harness.postJson(
                "/prioritize",
                Harness.argsWithNodeNames(Harness.pod("m", SyscallSet.of("read")), List.of("a", "b", "c")));
        String prometheus = harness.getManagement("/actuator/prometheus").body();
        assertThat(prometheus).contains("sysched_extender_request_nodes_count{verb=\"prioritize\"}");
        assertThat(prometheus).contains("sysched_node_attack_surface{node=\"node-full\"} 98.0");
        assertThat(prometheus).contains("sysched_pods_unannotated");
        assertThat(prometheus).contains("sysched_cluster_exs");
    }

    @Test
    void bindIsNotServedUnlessEnabled() {
        HttpResponse<String> response = harness.post(
                "/bind", "{\"PodName\":\"p\",\"PodNamespace\":\"default\",\"PodUID\":\"u\",\"Node\":\"node-x\"}");
        assertThat(response.statusCode()).isEqualTo(404);
    }

    private static List<String> names(JsonNode array) {
        List<String> names = new ArrayList<>();
        array.forEach(n -> names.add(n.asString()));
        return names;
    }
}
