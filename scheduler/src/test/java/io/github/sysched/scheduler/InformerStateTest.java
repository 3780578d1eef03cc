package io.github.sysched.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.github.sysched.profile.RuntimeDefaultProfile;
import io.github.sysched.scheduler.state.ClusterState;
import io.github.sysched.scheduler.state.SpoPodResolver;
import io.github.sysched.scoring.ExsEngine;
import io.github.sysched.spo.SeccompProfileV1;
import io.github.sysched.spo.SeccompProfileV1Beta1;
import io.github.sysched.spo.SpoApi;
import io.github.sysched.spo.SpoScope;
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

        client.pods()
                .inNamespace("default")
                .withName("web")
                .editStatus(p -> new PodBuilder(p)
                        .withNewStatus()
                        .withPhase("Succeeded")
                        .endStatus()
                        .build());
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
        // no default profile yet: common's fallback, the full x86_64 table
        assertThat(harness.engine().node("n1").orElseThrow().attackSurface()).isEqualTo(362);

        SeccompProfileV1Beta1 full = Harness.profile("full");
        client.resources(SeccompProfileV1Beta1.class)
                .inNamespace("default")
                .resource(full)
                .create();
        harness.await(
                "fallback pod re-resolved",
                () -> harness.engine().node("n1").orElseThrow().attackSurface() == 333);

        String prometheus = harness.getManagement("/actuator/prometheus").body();
        assertThat(prometheus).contains("sysched_pods_unannotated 1.0");
        assertThat(prometheus)
                .containsPattern("sysched_pods_fallback_total\\{reason=\"missing\",source=\"informer\"} [1-9]");
    }

    @Test
    void incomingUnannotatedPodIsScoredWithTheDefaultProfile() {
        client.resources(SeccompProfileV1Beta1.class)
                .inNamespace("default")
                .resource(Harness.profile("full"))
                .create();
        harness = Harness.start(client);
        SpoPodResolver profiles = harness.bean(SpoPodResolver.class);
        harness.await(
                "default profile seen",
                () -> profiles.resolve(Harness.pod("bare", null)).cardinality() == 333);
        Pod nginx = harness.create(Harness.pod("nginx", Harness.profileSet("nginx")));
        harness.bindInMock(nginx, "n1");
        // full (333) next to nginx (98; 5 of its names are not in full, so |U ∪ P| = 338):
        // raw = 2·338 − (98 + 333) = 245 on n1, 0 on the empty n2.
        assertThat(Harness.profileSet("nginx").union(Harness.profileSet("full")).cardinality())
                .isEqualTo(338);
        assertThat(harness.engine().rawScores(java.util.List.of("n1", "n2"), Harness.profileSet("full")))
                .containsExactly(245L, 0L);
        String scores = harness.postJson(
                        "/prioritize",
                        Harness.argsWithNodeNames(Harness.pod("bare", null), java.util.List.of("n1", "n2")))
                .toString();
        // the default marginal score: n1 adds those 245, more than the empty n2's opening cost (20): one level lower
        assertThat(harness.engine().marginalScores(java.util.List.of("n1", "n2"), Harness.profileSet("full")))
                .containsExactly(245L, 0L);
        assertThat(scores).isEqualTo("[{\"Host\":\"n1\",\"Score\":9},{\"Host\":\"n2\",\"Score\":10}]");
        assertThat(harness.getManagement("/actuator/prometheus").body())
                .containsPattern("sysched_pods_fallback_total\\{reason=\"missing\",source=\"request\"} 1.0");
    }

    @Test
    void localhostSpoProfileWithBaseUnderTheScopeDetectedFromTheCrd() {
        client.apiextensions()
                .v1()
                .customResourceDefinitions()
                .resource(seccompProfileCrd("Namespaced"))
                .create();
        var seccompProfiles = client.resources(SeccompProfileV1Beta1.class).inNamespace("apps");
        seccompProfiles
                .resource(Harness.profile("apps", "runc-base", null, "futex", "exit_group", "read"))
                .create();
        seccompProfiles
                .resource(Harness.profile("apps", "web", "runc-base", "read", "write", "accept4"))
                .create();
        harness = Harness.start(client, "sysched.scheduler.spo.scope=auto");
        assertThat(harness.view().scope()).isEqualTo(SpoScope.NAMESPACED);

        Pod web = harness.create(Harness.podWithSeccomp("web", "Localhost", "operator/apps/web.json"));
        harness.bindInMock(web, "n1");
        // web ∪ its base runc-base
        harness.await(
                "Localhost profile resolved",
                () -> harness.engine().node("n1").orElseThrow().attackSurface() == 5);
        assertThat(harness.state().fallbackPods()).isEqualTo(1);

        // an edit of the base profile re-resolves the pod
        seccompProfiles.withName("runc-base").edit(p -> {
            p.getSpec().getSyscalls().get(0).setNames(java.util.List.of("futex", "exit_group", "read", "mmap"));
            return p;
        });
        harness.await(
                "base profile change re-resolved",
                () -> harness.engine().node("n1").orElseThrow().attackSurface() == 6);
    }

    @Test
    void incomingRuntimeDefaultPodAndV1Profiles() {
        harness = Harness.start(client, "sysched.scheduler.spo.version=v1", "sysched.scheduler.spo.scope=cluster");
        assertThat(harness.view().scope()).isEqualTo(SpoScope.CLUSTER);
        SeccompProfileV1 full = new SeccompProfileV1();
        SeccompProfileV1Beta1 small = Harness.profile("default", "full-seccomp", null, "read", "write", "close");
        full.setMetadata(small.getMetadata());
        full.setSpec(small.getSpec());
        client.resources(SeccompProfileV1.class)
                .inNamespace("default")
                .resource(full)
                .create();
        SpoPodResolver profiles = harness.bean(SpoPodResolver.class);
        harness.await(
                "v1 default profile seen",
                () -> profiles.resolve(Harness.pod("bare", null)).cardinality() == 3);

        SyscallSet runtimeDefault = RuntimeDefaultProfile.syscalls();
        harness.bindInMock(harness.create(Harness.pod("rd", runtimeDefault)), "n1");
        harness.bindInMock(harness.create(Harness.pod("tiny", SyscallSet.of("read"))), "n2");
        Pod incoming = Harness.podWithSeccomp("incoming", "RuntimeDefault", null);
        String scores = harness.postJson(
                        "/prioritize", Harness.argsWithNodeNames(incoming, java.util.List.of("n1", "n2")))
                .toString();
        // same set as the pod on n1: nothing extraneous there (adds 0: 10); next to {read} it adds 316: one level lower
        assertThat(scores).isEqualTo("[{\"Host\":\"n1\",\"Score\":10},{\"Host\":\"n2\",\"Score\":9}]");
        assertThat(harness.getManagement("/actuator/prometheus").body())
                .containsPattern("sysched_pods_fallback_total\\{reason=\"missing\",source=\"request\"} 1.0");
    }

    static CustomResourceDefinition seccompProfileCrd(String scope) {
        return new CustomResourceDefinitionBuilder()
                .withNewMetadata()
                .withName(SpoApi.SECCOMP_PROFILE_CRD)
                .endMetadata()
                .withNewSpec()
                .withGroup(SpoApi.GROUP)
                .withScope(scope)
                .withNewNames()
                .withKind(SpoApi.SECCOMP_PROFILE_KIND)
                .withPlural(SpoApi.SECCOMP_PROFILE_PLURAL)
                .withSingular("seccompprofile")
                .endNames()
                .addNewVersion()
                .withName("v1beta1")
                .withServed(true)
                .withStorage(true)
                .endVersion()
                .endSpec()
                .build();
    }
}
