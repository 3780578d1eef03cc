package io.github.sysched.scheduler.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.github.sysched.scheduler.Harness;
import io.github.sysched.scoring.ExsEngine;
import io.github.sysched.scoring.MarginalExs;
import io.github.sysched.scoring.PlacementPlanner;
import io.github.sysched.spo.SeccompProfileV1Beta1;
import io.github.sysched.syscall.SyscallSet;
import io.github.sysched.testsupport.TestNodes;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The plan of the known demand through the whole application on a fabric8 mock API server in CRUD mode, the demand
 * read by the real informers from a ReplicaSet whose template names a SeccompProfile.
 *
 * <p>The cluster: ReplicaSet {@code web} (3 replicas, template → profile {@code default/web}, set WEB) has web-1 bound on
 * n1 and web-2 pending; a bare pod with exactly WEB runs on n2, one with the disjoint set OTHER on n3, n4 is empty. The
 * guard allows one replica per node (3 replicas, 4 nodes), so the 2 coming replicas go to two of n2..n4: n2 (adds
 * nothing) and n4 (the empty node, cheaper than joining OTHER). The plain marginal score ranks n1 and n2 equal at the
 * top (web-2 adds nothing on either); the plan lifts n2 and n4 and takes n1 one level down.
 */
class PlanningHttpTest {

    private static final SyscallSet WEB = SyscallSet.of("read", "write", "accept4", "epoll_wait", "openat");
    private static final SyscallSet OTHER = SyscallSet.of(
            "mmap", "mprotect", "munmap", "brk", "rt_sigaction", "clone", "execve", "futex", "socket", "bind");
    private static final List<String> NODES = List.of("n1", "n2", "n3", "n4");
    private static final String OURS = "sysched-scheduler";
    private static final String WEB_WORKLOAD = "ReplicaSet default/web";

    private KubernetesMockServer server;
    private KubernetesClient client;
    private final List<AutoCloseable> open = new ArrayList<>();

    @BeforeEach
    void start() {
        server = Harness.newServer();
        client = server.createClient();
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
        client.close();
        server.destroy();
    }

    private static Node node(String name) {
        return new NodeBuilder(TestNodes.ready(name))
                .editStatus()
                .addToAllocatable("pods", new Quantity("110"))
                .endStatus()
                .build();
    }

    private static ReplicaSet replicaSet(String name, int replicas, String localhostProfile) {
        return Harness.replicaSet(name, replicas, localhostProfile, OURS);
    }

    /** A replica of {@code replicaSet}, annotated with {@code set} as the webhook would, not bound yet. */
    private static Pod replica(String name, SyscallSet set, String replicaSet, String uid) {
        return Harness.replica(name, set, replicaSet, uid, OURS);
    }

    /**
     * The cluster of the class comment, plus ReplicaSet {@code ghost} (2 replicas, a template naming a profile that does
     * not exist, one pending pod with the annotated set WEB), and the extender with {@code properties}.
     */
    private Harness cluster(String... properties) {
        client.resources(SeccompProfileV1Beta1.class)
                .inNamespace("default")
                .resource(Harness.profile("default", "web", null, WEB.names().toArray(String[]::new)))
                .create();
        for (String name : NODES) {
            client.nodes().resource(node(name)).create();
        }
        // the API server gives each ReplicaSet its uid; the replicas' owner references carry it
        String webUid = client.apps()
                .replicaSets()
                .inNamespace("default")
                .resource(replicaSet("web", 3, "operator/default/web.json"))
                .create()
                .getMetadata()
                .getUid();
        String ghostUid = client.apps()
                .replicaSets()
                .inNamespace("default")
                .resource(replicaSet("ghost", 2, "operator/default/missing.json"))
                .create()
                .getMetadata()
                .getUid();
        List<String> props = new ArrayList<>(List.of("sysched.scheduler.spo.scope=namespaced"));
        props.addAll(List.of(properties));
        Harness harness = Harness.start(client, props.toArray(String[]::new));
        open.add(harness);
        harness.bindInMock(harness.create(replica("web-1", WEB, "web", webUid)), "n1");
        harness.create(replica("web-2", WEB, "web", webUid));
        harness.create(replica("ghost-1", WEB, "ghost", ghostUid));
        harness.bindInMock(harness.create(Harness.pod("twin", WEB)), "n2");
        harness.bindInMock(harness.create(Harness.pod("other", OTHER)), "n3");
        harness.await("3 pods counted", () -> harness.engine().podCount() == 3);
        return harness;
    }

    /** The engine the extender should hold: web-1 on n1, twin on n2, other on n3. */
    private static ExsEngine oracle() {
        ExsEngine oracle = new ExsEngine();
        oracle.place("web-1", "n1", WEB);
        oracle.place("twin", "n2", WEB);
        oracle.place("other", "n3", OTHER);
        return oracle;
    }

    private static int[] prioritize(Harness harness, Pod pod) {
        JsonNode answer = harness.postJson("/prioritize", Harness.argsWithNodeNames(pod, NODES));
        int[] scores = new int[answer.size()];
        for (int i = 0; i < answer.size(); i++) {
            assertThat(answer.get(i).get("Host").asString()).isEqualTo(NODES.get(i));
            scores[i] = answer.get(i).get("Score").asInt();
        }
        return scores;
    }

    private static Pod pending(Harness harness, String name) {
        return harness.client().pods().inNamespace("default").withName(name).get();
    }

    @Test
    void prioritizeLiftsExactlyThePlannedNodesOfThePodsWorkload() {
        Harness harness = cluster("sysched.scheduler.scoring.plan.enabled=true");
        DemandPlanner planner = harness.bean(DemandPlanner.class);
        harness.await(
                "the web ReplicaSet's 2 coming pods planned",
                () -> planner.upToDate()
                        && planner.plan().nodesFor(WEB_WORKLOAD).size() == 2);

        List<String> planned = planner.plan().nodesFor(WEB_WORKLOAD);
        assertThat(planned)
                .as("one replica per node, beside its twin and on the empty node")
                .containsExactlyInAnyOrder("n2", "n4");
        int[] plain = MarginalExs.extenderScores(oracle(), NODES, WEB, MarginalExs.DEFAULT_OPENING_COST);
        assertThat(plain).as("n1 and n2 tie at the top without the plan").startsWith(10, 10);

        int[] answered = prioritize(harness, pending(harness, "web-2"));

        assertThat(answered).containsExactly(PlacementPlanner.follow(plain, NODES, planned));
        assertThat(answered[1]).isEqualTo(10);
        assertThat(answered[3]).isEqualTo(10);
        assertThat(answered[0]).isEqualTo(9);
        MeterRegistry registry = harness.bean(MeterRegistry.class);
        assertThat(registry.get("sysched.plan.followed").counter().count()).isEqualTo(1);
        assertThat(registry.get("sysched.plan.plans").counter().count()).isPositive();
        assertThat(registry.get("sysched.plan.pods").gauge().value()).isEqualTo(2);
    }

    @Test
    void aTemplateThatDoesNotResolveLeavesItsWorkloadUnplannedAndTheAnswerPlain() {
        Harness harness = cluster("sysched.scheduler.scoring.plan.enabled=true");
        DemandPlanner planner = harness.bean(DemandPlanner.class);
        harness.await(
                "web planned",
                () -> planner.upToDate()
                        && planner.plan().nodesFor(WEB_WORKLOAD).size() == 2);

        assertThat(planner.plan().nodesByWorkload()).containsOnlyKeys(WEB_WORKLOAD);
        int[] plain = MarginalExs.extenderScores(oracle(), NODES, WEB, MarginalExs.DEFAULT_OPENING_COST);
        assertThat(prioritize(harness, pending(harness, "ghost-1"))).containsExactly(plain);
        assertThat(prioritize(harness, Harness.pod("bare", WEB)))
                .as("a pod of no controller")
                .containsExactly(plain);
        assertThat(harness.bean(MeterRegistry.class)
                        .get("sysched.plan.followed")
                        .counter()
                        .count())
                .isZero();
    }

    @Test
    void anUnresolvableTemplateIsPlannedWithTheSetItsBoundPodIsCountedWith() {
        Harness harness = cluster("sysched.scheduler.scoring.plan.enabled=true");
        DemandPlanner planner = harness.bean(DemandPlanner.class);
        harness.bindInMock(pending(harness, "ghost-1"), "n3");
        harness.await(
                "ghost's one coming pod planned",
                () -> planner.upToDate()
                        && planner.plan().nodesFor("ReplicaSet default/ghost").size() == 1);
        assertThat(planner.plan().nodesFor("ReplicaSet default/ghost")).doesNotContain("n3");
    }

    @Test
    void withPlanningOffTheAnswerIsThePlainMarginalScore() {
        Harness harness = cluster();
        assertThat(harness.context().getBeanNamesForType(DemandPlanner.class)).isEmpty();
        int[] plain = MarginalExs.extenderScores(oracle(), NODES, WEB, MarginalExs.DEFAULT_OPENING_COST);
        assertThat(prioritize(harness, pending(harness, "web-2"))).containsExactly(plain);
        assertThat(Arrays.stream(harness.view().resources().toArray()).map(Object::toString))
                .as("no informer the plan alone needs")
                .doesNotContain("REPLICA_SETS", "STATEFUL_SETS", "REPLICATION_CONTROLLERS", "PROFILE_BINDINGS");
    }
}
