package io.github.sysched.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.github.sysched.annotation.AnnotationSignature;
import io.github.sysched.annotation.PlacementAnnotations;
import io.github.sysched.syscall.SyscallSet;
import io.github.sysched.syscall.SyscallTable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/**
 * Issue 13: a pod the webhook did not annotate (kube-system, a namespace labelled {@code exs.sysched.io/skip=true},
 * one not opted in) keeps whatever {@code exs.sysched.io/*} its author wrote. Through the extender over HTTP, each
 * forgery changes nothing: the pod counts, scores and filters exactly as the same pod without annotations, and a
 * pod the webhook signed shows that the same path does believe a valid signature.
 */
class ForgedAnnotationsTest {

    static final SyscallSet SMALL = SyscallSet.of("read", "write");
    static final AnnotationSignature.Key ATTACKER = AnnotationSignature.Key.of(new byte[48]);
    static KubernetesMockServer server;
    static KubernetesClient client;
    static Harness harness;
    /** A pod the webhook signed in an opted-in namespace: its signature is what a tenant could copy. */
    static Pod legit;

    @BeforeAll
    static void start() {
        server = Harness.newServer();
        client = server.createClient();
        harness = Harness.start(client);
        client.namespaces()
                .resource(new NamespaceBuilder()
                        .withNewMetadata()
                        .withName("kube-system")
                        .endMetadata()
                        .build())
                .create();
        client.namespaces()
                .resource(new NamespaceBuilder()
                        .withNewMetadata()
                        .withName("skipped")
                        .addToLabels("exs.sysched.io/skip", "true")
                        .endMetadata()
                        .build())
                .create();
        client.namespaces()
                .resource(new NamespaceBuilder()
                        .withNewMetadata()
                        .withName("not-opted-in")
                        .endMetadata()
                        .build())
                .create();
        client.namespaces()
                .resource(new NamespaceBuilder()
                        .withNewMetadata()
                        .withName("tenant-a")
                        .addToLabels("spo.x-k8s.io/enable-binding", "true")
                        .endMetadata()
                        .build())
                .create();
        legit = Harness.signed(pod("tenant-a", "web", annotations(SMALL, "tenant-a")));
        place(legit, "legit-node");
    }

    @AfterAll
    static void stop() {
        harness.close();
        client.close();
        server.destroy();
    }

    static Map<String, String> annotations(SyscallSet set, String ippClass) {
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put(PlacementAnnotations.SYSCALLS, Harness.annotation(set, "forged"));
        if (ippClass != null) {
            annotations.put(PlacementAnnotations.IPP_CLASS, ippClass);
        }
        return annotations;
    }

    static Pod pod(String namespace, String name, Map<String, String> annotations) {
        return new PodBuilder()
                .withNewMetadata()
                .withNamespace(namespace)
                .withName(name)
                .withUid(UUID.randomUUID().toString())
                .withAnnotations(annotations)
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("app")
                .withImage("example/app")
                .endContainer()
                .endSpec()
                .build();
    }

    static void place(Pod pod, String node) {
        harness.create(pod);
        harness.bindInMock(pod, node);
    }

    /** The forgeries a pod author can write without the webhook: none of them may count. */
    static Map<String, Pod> forgeries(String namespace) {
        Map<String, Pod> forged = new LinkedHashMap<>();
        forged.put("unsigned", pod(namespace, "unsigned", annotations(SMALL, "tenant-b")));
        Map<String, String> garbage = annotations(SMALL, "tenant-b");
        garbage.put(PlacementAnnotations.SIGNATURE, "v1;0123456789abcdef;n:garbage;" + "A".repeat(43));
        forged.put("garbage", pod(namespace, "garbage", garbage));
        Map<String, String> copied =
                new LinkedHashMap<>(legit.getMetadata().getAnnotations()); // all of the legit pod's
        forged.put("copied", pod(namespace, "web", copied)); // even under the same name
        forged.put(
                "attacker-key", Harness.signed(pod(namespace, "attacker", annotations(SMALL, "tenant-b")), ATTACKER));
        return forged;
    }

    @ParameterizedTest
    @ValueSource(strings = {"kube-system", "skipped", "not-opted-in"})
    void aForgedAnnotationChangesNothing(String namespace) {
        // the positive control: the same path believes what the webhook signed
        assertThat(harness.engine().node("legit-node").orElseThrow().attackSurface())
                .isEqualTo(SMALL.cardinality());
        assertThat(harness.state().ippClassesOn("legit-node")).containsExactly("tenant-a");

        Pod reference = pod(namespace, "reference", null);
        place(reference, "ref-" + namespace);
        int unannotated =
                harness.engine().node("ref-" + namespace).orElseThrow().attackSurface();
        assertThat(unannotated).isEqualTo(SyscallTable.x86_64().allSyscalls().cardinality()); // no default profile here

        String prometheus = null;
        for (Map.Entry<String, Pod> forgery : forgeries(namespace).entrySet()) {
            String node = namespace + "-" + forgery.getKey();
            place(forgery.getValue(), node);
            assertThat(harness.engine().node(node).orElseThrow().attackSurface())
                    .as(forgery.getKey())
                    .isEqualTo(unannotated);
            assertThat(harness.state().ippClassesOn(node)).as(forgery.getKey()).isEmpty();
            prometheus = harness.getManagement("/actuator/prometheus").body();
            assertThat(prometheus).contains("sysched_node_attack_surface{node=\"" + node + "\"} " + unannotated + ".0");

            // as the incoming pod: the same scores as the unannotated pod, and its forged class keeps it from nothing
            List<String> nodes = List.of("legit-node", "ref-" + namespace, node, "empty");
            JsonNode forgedScores =
                    harness.postJson("/prioritize", Harness.argsWithNodeNames(forgery.getValue(), nodes));
            JsonNode referenceScores = harness.postJson("/prioritize", Harness.argsWithNodeNames(reference, nodes));
            assertThat(forgedScores).as(forgery.getKey()).isEqualTo(referenceScores);
            JsonNode filtered = harness.postJson("/filter", Harness.argsWithNodeNames(forgery.getValue(), nodes));
            assertThat(filtered.get("NodeNames")).as(forgery.getKey()).hasSize(nodes.size());
        }
        assertThat(prometheus).contains("sysched_pods_fallback_total{reason=\"untrusted\",source=\"informer\"}");
    }
}
