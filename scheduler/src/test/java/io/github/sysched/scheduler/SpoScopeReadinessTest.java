package io.github.sysched.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.github.sysched.annotation.PlacementAnnotations;
import io.github.sysched.kube.ClusterView;
import io.github.sysched.spo.SeccompProfileV1Beta1;
import io.github.sysched.spo.SpoScope;
import io.github.sysched.syscall.SyscallSet;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * {@code sysched.scheduler.spo.scope=auto} never assumes a scope: while the SeccompProfile CRD is absent or
 * unreadable the extender starts, stays not ready with the reason, answers as kube-scheduler treats an
 * unavailable extender (filter: Error, prioritize: all 0), and retries; once the CRD is readable it becomes
 * ready with profiles keyed in the CRD's scope. A configured scope never reads the CRD.
 */
class SpoScopeReadinessTest {

    static final List<String> NODES = List.of("n1", "n2", "n3");

    WatchControlDispatcher dispatcher;
    KubernetesMockServer server;
    KubernetesClient client;
    Harness harness;

    @BeforeEach
    void startServer() {
        dispatcher = new WatchControlDispatcher();
        server = Harness.newServer(dispatcher);
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
    void absentCrdKeepsTheExtenderNotReadyUntilItAppears() {
        // web names a namespaced SPO profile, bare uses the default profile, gold has an isolation class
        bound(Harness.podWithSeccomp("web", "Localhost", "operator/apps/web.json"), "n1");
        bound(Harness.pod("bare", null), "n2");
        bound(Harness.pod("gold", SyscallSet.of("read"), Map.of("ipp-class", "gold"), Map.of()), "n3");

        harness = Harness.startWithoutWaiting(client, "sysched.scheduler.spo.scope=auto");
        ClusterView view = harness.view();
        harness.await("CRD read again after the first miss", () -> dispatcher.crdReads() >= 2);

        HttpResponse<String> readiness = harness.getManagement("/actuator/health/readiness");
        JsonNode details = Harness.JSON
                .readTree(readiness.body())
                .get("components")
                .get("informers")
                .get("details");
        assertThat(readiness.statusCode()).isEqualTo(503);
        assertThat(details.get("reason").asString())
                .isEqualTo("SPO scope unknown: CRD "
                        + "seccompprofiles.security-profiles-operator.x-k8s.io not found (is SPO installed?)");
        assertThat(details.get("spoScope").asString()).isEqualTo("unknown");
        assertThat(view.scope()).isNull();
        int countedWhileAbsent = harness.state().trackedPods();
        assertThat(countedWhileAbsent).isZero();

        Pod silver = Harness.pod(
                "silver", SyscallSet.of("read"), Map.of(), Map.of(PlacementAnnotations.IPP_CLASS, "silver"));
        JsonNode filter = harness.postJson("/filter", Harness.argsWithNodeNames(silver, NODES));
        assertThat(filter.get("Error").asString()).isNotEmpty();
        JsonNode prioritize = harness.postJson("/prioritize", Harness.argsWithNodeNames(silver, NODES));
        List<Long> scores = new ArrayList<>();
        prioritize.forEach(p -> scores.add(p.get("Score").asLong()));
        assertThat(scores).containsExactly(0L, 0L, 0L);
        int readsWhileAbsent = dispatcher.crdReads();

        client.apiextensions()
                .v1()
                .customResourceDefinitions()
                .resource(InformerStateTest.seccompProfileCrd("Namespaced"))
                .create();
        var seccompProfiles = client.resources(SeccompProfileV1Beta1.class);
        seccompProfiles
                .inNamespace("apps")
                .resource(Harness.profile("apps", "runc-base", null, "futex", "exit_group", "read"))
                .create();
        seccompProfiles
                .inNamespace("apps")
                .resource(Harness.profile("apps", "web", "runc-base", "read", "write", "accept4"))
                .create();
        seccompProfiles.inNamespace("default").resource(Harness.profile("full")).create();

        harness.await("ready once the CRD is there", harness::podsSynced);
        harness.await(
                "profiles resolved in the namespaced scope",
                () -> surface("n1") == 5
                        && surface("n2") == Harness.profileSet("full").cardinality());
        HttpResponse<String> ready = harness.getManagement("/actuator/health/readiness");
        JsonNode readyDetails = Harness.JSON
                .readTree(ready.body())
                .get("components")
                .get("informers")
                .get("details");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(readyDetails.get("spoScope").asString()).isEqualTo("NAMESPACED");
        assertThat(readyDetails.has("reason")).isFalse();
        assertThat(view.scope()).isEqualTo(SpoScope.NAMESPACED);
        JsonNode filtered = harness.postJson("/filter", Harness.argsWithNodeNames(silver, NODES));
        assertThat(filtered.get("Error").asString()).isEmpty();
        assertThat(filtered.get("FailedNodes").has("n3")).isTrue();

        System.out.printf(
                "SCOPE auto, CRD absent at start: %d CRD reads while absent, readiness %d (%s), "
                        + "/filter Error \"%s\", /prioritize %s, %d pods counted; CRD created (Namespaced): ready "
                        + "after %d reads, scope %s, |U| n1=%d (apps/web + base) n2=%d (default/full-seccomp), IPP "
                        + "filter rejects %s%n",
                readsWhileAbsent,
                readiness.statusCode(),
                details.get("reason").asString(),
                filter.get("Error").asString(),
                scores,
                countedWhileAbsent,
                dispatcher.crdReads(),
                view.scope(),
                surface("n1"),
                surface("n2"),
                filtered.get("FailedNodes").propertyNames());
    }

    @Test
    void unreadableCrdDoesNotStopStartupAndIsRetried() {
        client.apiextensions()
                .v1()
                .customResourceDefinitions()
                .resource(InformerStateTest.seccompProfileCrd("Cluster"))
                .create();
        dispatcher.failCrdReads(403);

        harness = Harness.startWithoutWaiting(client, "sysched.scheduler.spo.scope=auto");
        harness.await("CRD read again after the first failure", () -> dispatcher.crdReads() >= 2);
        HttpResponse<String> readiness = harness.getManagement("/actuator/health/readiness");
        String reason = Harness.JSON
                .readTree(readiness.body())
                .get("components")
                .get("informers")
                .get("details")
                .get("reason")
                .asString();
        assertThat(readiness.statusCode()).isEqualTo(503);
        assertThat(reason)
                .startsWith("SPO scope unknown: cannot read CRD "
                        + "seccompprofiles.security-profiles-operator.x-k8s.io: ");
        int failedReads = dispatcher.crdReads();

        dispatcher.failCrdReads(0);
        harness.await("ready once the CRD is readable", harness::podsSynced);
        assertThat(harness.view().scope()).isEqualTo(SpoScope.CLUSTER);
        assertThat(harness.getManagement("/actuator/health/readiness").statusCode())
                .isEqualTo(200);
        System.out.printf(
                "SCOPE auto, CRD unreadable (403): %d failed reads, readiness 503 (%s); readable: ready, "
                        + "scope CLUSTER%n",
                failedReads, reason);
    }

    @Test
    void configuredScopeNeverReadsTheCrd() {
        dispatcher.failCrdReads(403);
        harness = Harness.start(client, "sysched.scheduler.spo.scope=namespaced");
        assertThat(harness.view().scope()).isEqualTo(SpoScope.NAMESPACED);
        assertThat(harness.getManagement("/actuator/health/readiness").statusCode())
                .isEqualTo(200);
        assertThat(dispatcher.crdReads()).isZero();
    }

    private int surface(String node) {
        return harness.engine().node(node).map(n -> n.attackSurface()).orElse(0);
    }

    private void bound(Pod pod, String node) {
        client.pods()
                .inNamespace("default")
                .resource(new PodBuilder(pod)
                        .editSpec()
                        .withNodeName(node)
                        .endSpec()
                        .build())
                .create();
    }
}
