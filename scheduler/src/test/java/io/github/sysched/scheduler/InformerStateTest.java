package io.github.sysched.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.github.sysched.scheduler.state.ClusterState;
import io.github.sysched.scoring.ExsEngine;
import io.github.sysched.spo.SeccompProfileV1Beta1;
import io.github.sysched.syscall.SyscallSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The state follows the API server through the pod informer (fabric8 mock server, CRUD mode). */
class InformerStateTest {

    KubernetesMockServer server;
    KubernetesClient client;
    Harness harness;

    @BeforeEach
    void start() {
        server = Harness.newServer();
        client = server.createClient();
    }

    @AfterEach
    void stop() {
        if (harness != null) {
            harness.close();
        }
        client.close();
        server.destroy();
    }

    @Test
    void podsCountFromBindingUntilTerminatedOrDeleted() {
        harness = Harness.start(client);
        ExsEngine engine = harness.engine();
        Pod created = harness.create(Harness.pod("web", SyscallSet.of("read", "write", "openat")));
        String uid = created.getMetadata().getUid();
        Pod other = harness.create(Harness.pod("db", SyscallSet.of("read", "mmap")));
        assertThat(engine.podCount()).isZero();

        harness.bindInMock(created, "n1");
        harness.bindInMock(other, "n1");
        assertThat(engine.node("n1").orElseThrow().attackSurface()).isEqualTo(4);
        assertThat(engine.node("n1").orElseThrow().exs()).isEqualTo(2 * 4 - 5);

        client.pods().inNamespace("default").withName("web")
                .editStatus(p -> new PodBuilder(p).withNewStatus().withPhase("Succeeded").endStatus().build());
        harness.await("succeeded pod leaves", () -> engine.nodeOf(uid).isEmpty());
        assertThat(engine.node("n1").orElseThrow().attackSurface()).isEqualTo(2);

        client.pods().inNamespace("default").withName("db").delete();
        harness.await("deleted pod leaves", () -> engine.podCount() == 0);
        assertThat(engine.nodes()).isEmpty();
    }

    @Test
    void unannotatedPodsUseTheDefaultProfileOnceItAppears() {
        harness = Harness.start(client);
        ClusterState state = harness.state();
        Pod bare = harness.create(Harness.pod("bare", null));
        harness.bindInMock(bare, "n1");
        assertThat(state.fallbackPods()).isEqualTo(1);
        assertThat(harness.engine().node("n1").orElseThrow().attackSurface()).isZero();

        SeccompProfileV1Beta1 full = Harness.profile("full");
        client.resources(SeccompProfileV1Beta1.class).inNamespace("default").resource(full).create();
        harness.await("fallback pod re-resolved",
                () -> harness.engine().node("n1").orElseThrow().attackSurface() == 333);

        String prometheus = harness.getManagement("/actuator/prometheus").body();
        assertThat(prometheus).contains("sysched_pods_unannotated 1.0");
        assertThat(prometheus).containsPattern("sysched_pods_fallback_total\\{reason=\"missing\",source=\"informer\"} [1-9]");
    }

    @Test
    void incomingUnannotatedPodIsScoredWithTheDefaultProfile() {
        client.resources(SeccompProfileV1Beta1.class).inNamespace("default").resource(Harness.profile("full")).create();
        harness = Harness.start(client);
        harness.await("default profile seen", () -> harness.bean(
                io.github.sysched.scheduler.state.DefaultProfileResolver.class).defaultSet().cardinality() == 333);
        Pod nginx = harness.create(Harness.pod("nginx", Harness.profileSet("nginx")));
        harness.bindInMock(nginx, "n1");
        // full (333) next to nginx (98; 5 of its names are not in full, so |U ∪ P| = 338):
        // raw = 2·338 − (98 + 333) = 245 on n1, 0 on the empty n2.
        assertThat(Harness.profileSet("nginx").union(Harness.profileSet("full")).cardinality()).isEqualTo(338);
        assertThat(harness.engine().rawScores(java.util.List.of("n1", "n2"), harness.bean(
                io.github.sysched.scheduler.state.DefaultProfileResolver.class).defaultSet())).containsExactly(245L, 0L);
        String scores = harness.postJson("/prioritize",
                Harness.argsWithNodeNames(Harness.pod("bare", null), java.util.List.of("n1", "n2"))).toString();
        assertThat(scores).isEqualTo("[{\"Host\":\"n1\",\"Score\":0},{\"Host\":\"n2\",\"Score\":10}]");
        assertThat(harness.getManagement("/actuator/prometheus").body())
                .containsPattern("sysched_pods_fallback_total\\{reason=\"missing\",source=\"request\"} 1.0");
    }
}
