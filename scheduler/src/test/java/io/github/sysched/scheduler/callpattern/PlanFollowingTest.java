package io.github.sysched.scheduler.callpattern;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.github.sysched.scheduler.Harness;
import io.github.sysched.scheduler.plan.DemandPlanner;
import io.github.sysched.scoring.ExsEngine;
import io.github.sysched.spo.SeccompProfileV1Beta1;
import io.github.sysched.syscall.SyscallSet;
import io.github.sysched.testsupport.TestNodes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The plan of the known demand through kube-scheduler's call pattern ({@link KubeSchedulerLoop}, asynchronous binding
 * through {@code /bind}): two nodes of two pods, ReplicaSets a, b, c, d of one replica each, their pods arriving in that
 * order. The marginal score puts b next to a (it adds 3, less than the opening cost 20), which leaves c and d together:
 * cluster ExS 3 + 5 = 8. The plan, made from the ReplicaSets before the first pod exists, pairs a with c and b with d:
 * 1 + 1 = 2, the optimum (the simulator's {@code planningTheKnownDemandAvoidsTheChoiceThatLooksCheapestForThePodAtHand}).
 */
class PlanFollowingTest {

    private static final Map<String, SyscallSet> SETS = new LinkedHashMap<>();

    static {
        SETS.put("a", SyscallSet.of("read", "write"));
        SETS.put("b", SyscallSet.of("read", "ptrace", "mount"));
        SETS.put("c", SyscallSet.of("read", "write", "fsync"));
        SETS.put("d", SyscallSet.of("read", "ptrace", "mount", "bpf"));
    }

    private static final int WEIGHT = 3;
    private static final int PODS_PER_NODE = 2;

    @Test
    void withThePlanTheRolloutReachesTheOptimumWhereTheScoreAloneDoesNot() {
        for (long seed = 1; seed <= 5; seed++) {
            assertThat(clusterExs(true, KubeSchedulerLoop.Pace.BURST, seed))
                    .as("plan on, asynchronous binding, seed " + seed)
                    .isEqualTo(2);
        }
        // the score alone, even when it sees every earlier pod before the next (its best case)
        assertThat(clusterExs(false, KubeSchedulerLoop.Pace.ONE_AT_A_TIME, 1))
                .as("plan off")
                .isEqualTo(8);
    }

    private static long clusterExs(boolean plan, KubeSchedulerLoop.Pace pace, long seed) {
        KubernetesMockServer server = Harness.newServer(new BindingCrudDispatcher());
        KubernetesClient client = server.createClient();
        try {
            List<KubeSchedulerLoop.Node> nodes = new ArrayList<>();
            for (String name : List.of("n1", "n2")) {
                client.nodes()
                        .resource(new NodeBuilder(TestNodes.ready(name))
                                .editStatus()
                                .addToAllocatable("pods", new Quantity(String.valueOf(PODS_PER_NODE)))
                                .endStatus()
                                .build())
                        .create();
                nodes.add(new KubeSchedulerLoop.Node(name, 4000, PODS_PER_NODE));
            }
            Map<String, String> replicaSetUids = new HashMap<>();
            SETS.forEach((name, set) -> {
                client.resources(SeccompProfileV1Beta1.class)
                        .inNamespace("default")
                        .resource(Harness.profile(
                                "default", name, null, set.names().toArray(String[]::new)))
                        .create();
                replicaSetUids.put(
                        name,
                        client.apps()
                                .replicaSets()
                                .inNamespace("default")
                                .resource(PlanFollowingMeasurement.replicaSet(name, 1))
                                .create()
                                .getMetadata()
                                .getUid());
            });
            try (Harness harness = Harness.start(
                    client,
                    "sysched.scheduler.spo.scope=namespaced",
                    "sysched.scheduler.scoring.plan.enabled=" + plan,
                    "sysched.scheduler.bind.enabled=true",
                    "logging.level.io.fabric8.mockwebserver=warn")) {
                if (plan) {
                    DemandPlanner planner = harness.bean(DemandPlanner.class);
                    harness.await(
                            "the four ReplicaSets' pods planned",
                            () -> planner.upToDate() && planner.plan().size() == SETS.size());
                }
                List<KubeSchedulerLoop.QueuedPod> queue = new ArrayList<>();
                Map<String, SyscallSet> sets = new HashMap<>();
                SETS.forEach((name, set) -> {
                    Pod created = harness.create(
                            Harness.replica(name + "-1", set, name, replicaSetUids.get(name), "sysched-scheduler"));
                    sets.put(created.getMetadata().getUid(), set);
                    queue.add(new KubeSchedulerLoop.QueuedPod(created, 100));
                });
                KubeSchedulerLoop.Result result;
                try (KubeSchedulerLoop loop = new KubeSchedulerLoop(
                        new KubeSchedulerLoop.Settings(false, true, WEIGHT, Duration.ZERO, Duration.ofMillis(10)),
                        harness.port(),
                        client,
                        KubeSchedulerLoop.countedAndSettled(harness),
                        PlanFollowingMeasurement::replicaSetOf)) {
                    result = loop.run(nodes, queue, pace, new Random(seed));
                }
                assertThat(result.unscheduled()).isEmpty();
                ExsEngine engine = new ExsEngine();
                result.placements().forEach((uid, node) -> engine.place(uid, node, sets.get(uid)));
                return engine.clusterExs();
            }
        } finally {
            client.close();
            server.destroy();
        }
    }
}
