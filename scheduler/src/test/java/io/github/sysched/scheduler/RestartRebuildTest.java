package io.github.sysched.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.github.sysched.annotation.PlacementAnnotations;
import io.github.sysched.scoring.NodeSnapshot;
import io.github.sysched.spo.SeccompProfileV1Beta1;
import io.github.sysched.syscall.SyscallSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A new application context over the same pods rebuilds the same state and answers the same scores. */
class RestartRebuildTest {

    @Test
    void stateAfterRestartEqualsStateBefore() {
        KubernetesMockServer server = Harness.newServer();
        KubernetesClient client = server.createClient();
        try {
            client.resources(SeccompProfileV1Beta1.class)
                    .inNamespace("default")
                    .resource(Harness.profile("full"))
                    .create();
            List<String> nodes = List.of("n1", "n2", "n3");
            String[] profiles = {"nginx", "redis", "memcached", "nginx", "redis"};
            List<NodeSnapshot> before;
            List<String> answersBefore = new ArrayList<>();
            String ippBefore;
            try (Harness first = Harness.start(client)) {
                for (int i = 0; i < profiles.length; i++) {
                    Pod pod = first.create(Harness.pod(
                            profiles[i] + "-" + i,
                            Harness.profileSet(profiles[i]),
                            i == 0 ? Map.of("ipp-class", "gold") : Map.of(),
                            Map.of()));
                    first.bindInMock(pod, nodes.get(i % nodes.size()));
                }
                Pod bare = first.create(Harness.pod("bare", null));
                first.bindInMock(bare, "n3");
                // a finished pod on n2 does not count, before or after
                Pod done = first.create(Harness.pod("done", SyscallSet.of("ptrace")));
                first.bindInMock(done, "n2");
                client.pods()
                        .inNamespace("default")
                        .withName("done")
                        .editStatus(p -> new PodBuilder(p)
                                .withNewStatus()
                                .withPhase("Failed")
                                .endStatus()
                                .build());
                first.await("failed pod leaves", () -> first.engine().podCount() == profiles.length + 1);
                int n3Surface = Harness.profileSet("memcached")
                        .union(Harness.profileSet("full"))
                        .cardinality();
                assertThat(n3Surface).isGreaterThan(333);
                first.await(
                        "default profile applied",
                        () -> first.engine().node("n3").orElseThrow().attackSurface() == n3Surface);

                before = List.copyOf(first.engine().nodes());
                for (String p : List.of("nginx", "redis", "memcached")) {
                    answersBefore.add(first.postJson(
                                    "/prioritize",
                                    Harness.argsWithNodeNames(Harness.pod("probe-" + p, Harness.profileSet(p)), nodes))
                            .toString());
                }
                ippBefore = first.postJson(
                                "/filter",
                                Harness.argsWithNodeNames(
                                        Harness.pod(
                                                "silver",
                                                SyscallSet.of("read"),
                                                Map.of(),
                                                Map.of(PlacementAnnotations.IPP_CLASS, "silver")),
                                        nodes))
                        .toString();
            }
            assertThat(before).hasSize(3);

            try (Harness second = Harness.start(client)) {
                second.await(
                        "default profile applied after restart",
                        () -> second.engine()
                                        .node("n3")
                                        .map(NodeSnapshot::attackSurface)
                                        .orElse(0)
                                == before.get(2).attackSurface());
                assertThat(second.engine().nodes()).containsExactlyElementsOf(before);
                assertThat(second.engine().podCount()).isEqualTo(profiles.length + 1);
                List<String> answersAfter = new ArrayList<>();
                for (String p : List.of("nginx", "redis", "memcached")) {
                    answersAfter.add(second.postJson(
                                    "/prioritize",
                                    Harness.argsWithNodeNames(Harness.pod("probe-" + p, Harness.profileSet(p)), nodes))
                            .toString());
                }
                assertThat(answersAfter).isEqualTo(answersBefore);
                String ippAfter = second.postJson(
                                "/filter",
                                Harness.argsWithNodeNames(
                                        Harness.pod(
                                                "silver",
                                                SyscallSet.of("read"),
                                                Map.of(),
                                                Map.of(PlacementAnnotations.IPP_CLASS, "silver")),
                                        nodes))
                        .toString();
                assertThat(ippAfter).isEqualTo(ippBefore).contains("\"FailedNodes\":{\"n1\"");
            }
        } finally {
            client.close();
            server.destroy();
        }
    }
}
