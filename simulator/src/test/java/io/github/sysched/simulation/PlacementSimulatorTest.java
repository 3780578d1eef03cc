package io.github.sysched.simulation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.sysched.profile.SpoProfiles;
import io.github.sysched.scoring.MarginalExs;
import io.github.sysched.scoring.ReplicaSpreadGuard;
import io.github.sysched.spo.SeccompProfileV1Beta1;
import io.github.sysched.syscall.SyscallSet;
import io.github.sysched.syscall.SyscallTable;
import io.github.sysched.syscall.SyscallWeights;
import io.github.sysched.testsupport.TestResources;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class PlacementSimulatorTest {

    private static final SyscallSet NONE = SyscallSet.empty();

    private static SimPod pod(String name, String... syscalls) {
        return new SimPod(name, name.replaceAll("\\d+$", ""), SyscallSet.of(syscalls));
    }

    private static SimPod replica(String workload, int index, String... syscalls) {
        return SimPod.replica(workload + "-" + index, "default/" + workload, workload, SyscallSet.of(syscalls));
    }

    private static SyscallSet seedProfile(String file) {
        SeccompProfileV1Beta1 profile =
                TestResources.read("/sysched-examples/" + file, "SeccompProfile", SeccompProfileV1Beta1.class);
        return SpoProfiles.policyOf(profile)
                .allowedSyscalls(SyscallTable.x86_64().allSyscalls());
    }

    /** The pods sharing a node with {@code pod}, itself included. */
    private static Set<String> together(SimulationResult result, String pod) {
        String node = result.nodeOfPod().get(pod);
        Set<String> pods = new TreeSet<>();
        result.nodeOfPod().forEach((p, n) -> {
            if (n.equals(node)) {
                pods.add(p);
            }
        });
        return pods;
    }

    @Test
    void seedDemoByEitherExtenderScorePutsTheNginxPodsTogetherAndRedisWithMemcached() {
        SyscallSet nginx = seedProfile("nginx.profile.yaml");
        SyscallSet redis = seedProfile("redis.profile.yaml");
        SyscallSet memcached = seedProfile("memcached.profile.yaml");
        // Four Deployments of one replica each, as in the demo's manifests: the guard has nothing to spread.
        Workload workload = Workload.of(
                SimPod.replica("nginx1", "default/nginx1", "nginx", nginx),
                SimPod.replica("redis1", "default/redis1", "redis", redis),
                SimPod.replica("nginx2", "default/nginx2", "nginx", nginx),
                SimPod.replica("memcached1", "default/memcached1", "memcached", memcached));

        for (String strategy : List.of(
                "exs", "marginal", "marginal+guard", "kube+exs:1", "kube+marginal:1+tsc", "kube+marginal:3+guard")) {
            for (long seed = 1; seed <= 20; seed++) {
                SimulationResult result = new PlacementSimulator(ClusterSpec.of(2, ClusterSpec.UNLIMITED))
                        .run(workload, Strategy.parse(strategy).withSeed(seed), NONE);
                assertThat(together(result, "nginx1")).as(strategy + "@" + seed).containsExactly("nginx1", "nginx2");
                assertThat(together(result, "redis1"))
                        .as(strategy + "@" + seed)
                        .containsExactly("memcached1", "redis1");
                // raw(memcached | redis) was 47 (SeedDemoScoresTest); nginx×2 adds 0.
                assertThat(result.metrics().clusterExs()).isEqualTo(47);
            }
        }
    }

    @Test
    void exsBreaksTiesAtRandomNotByNodeIndex() {
        Workload workload = Workload.of(pod("a1", "read", "write"));
        Set<String> first = new TreeSet<>();
        for (long seed = 1; seed <= 60; seed++) {
            first.add(new PlacementSimulator(ClusterSpec.of(3, 10))
                    .run(workload, Strategy.exs().withSeed(seed), NONE)
                    .nodeOfPod()
                    .get("a1"));
        }
        assertThat(first).containsExactly("node-01", "node-02", "node-03");
    }

    @Test
    void marginalJoinsAnIdenticalNodeRatherThanAnEmptyOneWhereUpstreamTies() {
        // a2 is a different workload with a1's exact set: upstream scores the a1 node and the empty nodes alike
        // (raw 0), marginal prefers the a1 node (adds 0) to an empty one (opening cost).
        SyscallSet far = SyscallTable.x86_64().syscallsNumberedUpTo(40).difference(SyscallSet.of("read", "write"));
        Workload workload = Workload.of(
                replica("a", 1, "read", "write"),
                SimPod.replica("b-1", "default/b", "b", far),
                replica("c", 1, "read", "write"));
        int upstreamJoined = 0;
        for (long seed = 1; seed <= 40; seed++) {
            PlacementSimulator simulator = new PlacementSimulator(ClusterSpec.of(4, 10));
            assertThat(together(
                            simulator.run(workload, Strategy.parse("marginal").withSeed(seed), NONE), "a-1"))
                    .containsExactly("a-1", "c-1");
            if (together(simulator.run(workload, Strategy.exs().withSeed(seed), NONE), "a-1")
                    .contains("c-1")) {
                upstreamJoined++;
            }
        }
        // upstream: three nodes tie at 10 (the a node and two empty ones), one in three joins
        assertThat(upstreamJoined).isBetween(5, 25);
    }

    @Test
    void theGuardKeepsReplicasApartWhereExsStacksThem() {
        List<SimPod> pods = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            pods.add(replica("web", i, "read", "write"));
            pods.add(replica("db", i, "read", "write", "fsync"));
        }
        Workload workload = new Workload(pods);
        PlacementSimulator simulator = new PlacementSimulator(ClusterSpec.of(4, 10));

        for (String strategy : List.of(
                "exs+guard",
                "marginal+guard",
                "marginal+tsc",
                "kube+marginal:1+tsc",
                "kube+exs:10+guard",
                "spread+guard")) {
            SimulationResult result = simulator.run(workload, Strategy.parse(strategy), NONE);
            assertThat(result.metrics().stackedWorkloads()).as(strategy).isZero();
            assertThat(result.metrics().replicasOverGuard()).as(strategy).isZero();
            assertThat(result.metrics().maxReplicaShare()).as(strategy).isEqualTo(0.25);
        }
        // With the guard, web and db pair up on every node: identical node contents, minimal ExS (1 per node).
        assertThat(simulator
                        .run(workload, Strategy.parse("marginal+guard"), NONE)
                        .metrics()
                        .clusterExs())
                .isEqualTo(4);
    }

    @Test
    void theGuardBoundIsCeilOfReplicasOverNodesPlusMaxSkewMinusOne() {
        List<SimPod> pods = new ArrayList<>();
        for (int i = 1; i <= 7; i++) {
            pods.add(replica("web", i, "read"));
        }
        Workload workload = new Workload(pods);
        // 7 replicas on 3 nodes: ⌈7/3⌉ = 3 per node with maxSkew 1, 4 with maxSkew 2.
        for (int maxSkew : new int[] {1, 2}) {
            PlacementSimulator simulator = new PlacementSimulator(
                    ClusterSpec.of(3, 10),
                    new PlacementSimulator.Settings(SyscallWeights.uniform(), new ReplicaSpreadGuard(maxSkew), 20, 0));
            for (long seed = 1; seed <= 10; seed++) {
                SimulationResult result =
                        simulator.run(workload, Strategy.parse("exs+guard").withSeed(seed), NONE);
                assertThat(result.podsByNode().values())
                        .allSatisfy(onNode -> assertThat(onNode.size()).isLessThanOrEqualTo(3 + maxSkew - 1));
                assertThat(result.unscheduled()).isEmpty();
            }
        }
    }

    @Test
    void doNotScheduleSpreadFollowsTheSkewToTheGlobalMinimumAndCanLeavePodsPending() {
        // Node capacity 2: two identical bare pods fill one node (marginal joins the identical node).
        List<SimPod> pods = new ArrayList<>();
        pods.add(pod("filler1", "mount"));
        pods.add(pod("filler2", "mount"));
        for (int i = 1; i <= 4; i++) {
            pods.add(replica("web", i, "read"));
        }
        Workload workload = new Workload(pods);
        ClusterSpec cluster = ClusterSpec.of(3, 2);
        for (long seed = 1; seed <= 10; seed++) {
            // web has 4 replicas for 3 nodes, one of them full.
            SimulationResult guard = new PlacementSimulator(cluster)
                    .run(workload, Strategy.parse("marginal+guard").withSeed(seed), NONE);
            SimulationResult tsc = new PlacementSimulator(cluster)
                    .run(workload, Strategy.parse("marginal+tsc").withSeed(seed), NONE);
            assertThat(together(guard, "filler1")).contains("filler2");
            // The guard allows ⌈4/3⌉ = 2 per node: all four fit on the two free nodes.
            assertThat(guard.unscheduled()).isEmpty();
            // DoNotSchedule maxSkew 1 counts the full node (0 replicas) in the minimum: only 1 per free node.
            assertThat(tsc.unscheduled()).hasSize(2);
        }
    }

    @Test
    void softSpreadIsAScoreOnlyForKube() {
        assertThatThrownBy(() -> Strategy.parse("marginal+tsc-soft"))
                .hasMessageContaining("tsc-soft")
                .hasMessageContaining("kube");
        assertThatThrownBy(() -> Strategy.parse("kube+tsc+tsc-soft")).hasMessageContaining("pick one");
    }

    @Test
    void zonesAreGuardedToo() {
        List<SimNode> nodes = new ArrayList<>();
        for (int i = 1; i <= 6; i++) {
            nodes.add(new SimNode("n" + i, 10, SimNode.NodeAllocatable.DEFAULT, Optional.of(i <= 2 ? "a" : "b"), 0));
        }
        List<SimPod> pods = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            pods.add(replica("web", i, "read"));
        }
        for (String strategy : List.of("exs+guard", "exs+tsc", "kube+exs:5+tsc")) {
            for (long seed = 1; seed <= 10; seed++) {
                SimulationResult result = new PlacementSimulator(new ClusterSpec(nodes))
                        .run(new Workload(pods), Strategy.parse(strategy).withSeed(seed), NONE);
                long inA = result.nodeOfPod().values().stream()
                        .filter(n -> n.equals("n1") || n.equals("n2"))
                        .count();
                // ⌈4/2⌉ = 2 per zone; the zone with 2 nodes may not take 3.
                assertThat(inA).as(strategy).isEqualTo(2);
            }
        }
    }

    @Test
    void spreadingPicksTheFewestPodsAndBreaksTiesAtRandom() {
        List<SimPod> pods = new ArrayList<>();
        for (int i = 1; i <= 6; i++) {
            pods.add(pod("p" + i, i % 2 == 0 ? "read" : "write"));
        }
        Workload workload = new Workload(pods);
        PlacementSimulator simulator = new PlacementSimulator(ClusterSpec.of(3, 10));
        Set<String> firstChoices = new TreeSet<>();
        for (long seed = 1; seed <= 200; seed++) {
            SimulationResult result = simulator.run(workload, Strategy.spread(seed), NONE);
            assertThat(result.podsByNode().values())
                    .allSatisfy(onNode -> assertThat(onNode).hasSize(2));
            assertThat(simulator.run(workload, Strategy.spread(seed), NONE).nodeOfPod())
                    .isEqualTo(result.nodeOfPod());
            firstChoices.add(result.nodeOfPod().get("p1"));
        }
        assertThat(firstChoices).containsExactly("node-01", "node-02", "node-03");
    }

    @Test
    void tiesAreBrokenAsKubeSchedulersSelectHostDoesReservoirSamplingInNodeOrder() {
        // Spreading over 4 empty nodes, one pod: the draws are SplittableRandom(seed).nextInt(2), nextInt(3),
        // nextInt(4).
        for (long seed = 1; seed <= 50; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            int chosen = 0;
            for (int tied = 2; tied <= 4; tied++) {
                if (random.nextInt(tied) == 0) {
                    chosen = tied - 1;
                }
            }
            SimulationResult result = new PlacementSimulator(ClusterSpec.of(4, 10))
                    .run(Workload.of(pod("p1", "read")), Strategy.spread(seed), NONE);
            assertThat(result.nodeOfPod().get("p1")).isEqualTo(String.format("node-%02d", chosen + 1));
            assertThat(result.decisions().tiedPods()).isEqualTo(1);
        }
    }

    @Test
    void podsBeyondCapacityAreUnscheduledAndTheRestStillPlaced() {
        Workload workload = Workload.of(pod("p1", "read"), pod("p2", "read"), pod("p3", "read"));
        for (Strategy strategy : List.of(
                Strategy.exs(),
                Strategy.spread(),
                Strategy.spread(5),
                Strategy.random(3),
                Strategy.parse("kube+marginal:2"),
                Strategy.parse("marginal"))) {
            SimulationResult result = new PlacementSimulator(ClusterSpec.of(2, 1)).run(workload, strategy, NONE);
            assertThat(result.unscheduled()).as(strategy.label()).containsExactly("p3");
            assertThat(result.metrics().unscheduled()).isEqualTo(1);
            assertThat(result.metrics().placed()).isEqualTo(2);
            assertThat(result.nodeOfPod().values()).containsExactlyInAnyOrder("node-01", "node-02");
        }
    }

    @Test
    void resourceRequestsFilterNodesAsNodeResourcesFitDoes() {
        PodRequests big = new PodRequests(3000, 1024, 3000, 1024);
        Workload workload = new Workload(List.of(
                new SimPod("a", "a", SyscallSet.of("read"), Optional.empty(), false, big),
                new SimPod("b", "b", SyscallSet.of("read"), Optional.empty(), false, big),
                new SimPod("c", "c", SyscallSet.of("read"), Optional.empty(), false, big)));
        // 4 CPUs per node: one 3-CPU pod per node, whatever the ExS says.
        SimulationResult result = new PlacementSimulator(ClusterSpec.of(2, 10)).run(workload, Strategy.exs(), NONE);
        assertThat(new HashSet<>(result.nodeOfPod().values())).hasSize(2);
        assertThat(result.unscheduled()).containsExactly("c");
    }

    @Test
    void randomIsUniformOverFeasibleNodesAndReproducible() {
        List<SimPod> pods = new ArrayList<>();
        for (int i = 1; i <= 12; i++) {
            pods.add(pod("p" + i, i % 2 == 0 ? "read" : "write"));
        }
        Workload workload = new Workload(pods);
        PlacementSimulator simulator = new PlacementSimulator(ClusterSpec.of(4, 3));
        SimulationResult result = simulator.run(workload, Strategy.random(42), NONE);
        assertThat(simulator.run(workload, Strategy.random(42), NONE).nodeOfPod())
                .isEqualTo(result.nodeOfPod());
        assertThat(result.podsByNode().values()).allMatch(list -> list.size() == 3);
        // every choice among two or more feasible nodes is a tie; the last pod has one node left
        assertThat(result.decisions().tiedPods()).isBetween(9, 11);
    }

    @Test
    void theExtenderMaySeeTheClusterLateAndThenItsGuardLetsReplicasStack() {
        List<SimPod> pods = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            pods.add(replica("web", i, "read"));
        }
        Workload workload = new Workload(pods);
        PlacementSimulator late = new PlacementSimulator(
                ClusterSpec.of(3, 10),
                new PlacementSimulator.Settings(SyscallWeights.uniform(), ReplicaSpreadGuard.DEFAULT, 20, 2));
        int stacked = 0;
        for (long seed = 1; seed <= 20; seed++) {
            // kube-scheduler's own filter sees every placement: never stacked.
            assertThat(late.run(workload, Strategy.parse("marginal+tsc").withSeed(seed), NONE)
                            .metrics()
                            .replicasOverGuard())
                    .isZero();
            // The extender's guard counts only what it has seen: with 2 placements unseen it cannot keep them apart.
            stacked += late.run(workload, Strategy.parse("marginal+guard").withSeed(seed), NONE)
                                    .metrics()
                                    .replicasOverGuard()
                            > 0
                    ? 1
                    : 0;
        }
        assertThat(stacked).isPositive();
    }

    @Test
    void runAllKeepsTheStrategyOrderAndRunsSeedsInSequence() {
        Workload workload = Workload.of(pod("p1", "read"));
        List<SimulationResult> results = new PlacementSimulator(ClusterSpec.of(1, 1))
                .runAll(workload, List.of(Strategy.spread(), Strategy.exs(), Strategy.random(7)), NONE);
        assertThat(results).extracting(r -> r.metrics().label()).containsExactly("spread", "exs", "random@7");

        List<StrategyRuns> runs = new PlacementSimulator(ClusterSpec.of(2, 1))
                .runAll(workload, List.of(Strategy.parse("kube@3")), NONE, 3);
        assertThat(runs.get(0).runs()).extracting(r -> r.strategy().seed()).containsExactly(3L, 4L, 5L);
        assertThat(runs.get(0).label()).isEqualTo("kube@3..5");
    }

    @Test
    void clusterSpecsAndWorkloadsValidate() {
        assertThat(ClusterSpec.of(3, 5).nodeNames()).containsExactly("node-01", "node-02", "node-03");
        assertThat(ClusterSpec.of(120, 5).nodeNames().get(0)).isEqualTo("node-001");
        assertThat(ClusterSpec.of(50, 6).capacity()).isEqualTo(300);
        assertThat(ClusterSpec.of(2, ClusterSpec.UNLIMITED).capacity()).isEqualTo(Long.MAX_VALUE);
        assertThatThrownBy(() -> ClusterSpec.of(0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ClusterSpec.of(1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ClusterSpec(List.of("a", "a"), 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Workload.of(pod("p", "read"), pod("p", "write")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SimPod("p", "p", NONE, Optional.empty(), true, PodRequests.NONE))
                .hasMessageContaining("controller");
    }

    @Test
    void workloadOrders() {
        Workload workload = Workload.of(pod("a1"), pod("a2"), pod("a3"), pod("b1"), pod("c1"), pod("c2"));
        assertThat(workload.interleaved().pods())
                .extracting(SimPod::name)
                .containsExactly("a1", "b1", "c1", "a2", "c2", "a3");
        assertThat(workload.shuffled(5).pods())
                .extracting(SimPod::name)
                .containsExactlyInAnyOrder("a1", "a2", "a3", "b1", "c1", "c2")
                .containsExactlyElementsOf(
                        workload.shuffled(5).pods().stream().map(SimPod::name).toList());
    }

    @Test
    void rolloutInterleavesSlowStartBatchesOfConcurrentWorkers() {
        List<SimPod> pods = new ArrayList<>();
        for (int i = 1; i <= 7; i++) {
            pods.add(replica("a", i, "read"));
        }
        for (int i = 1; i <= 3; i++) {
            pods.add(replica("b", i, "read"));
        }
        pods.add(replica("c", 1, "read"));
        Workload workload = new Workload(pods);
        // Two workers: a and b in batches 1, 2, 4; c starts when b is done.
        assertThat(workload.rolledOut(2).pods())
                .extracting(SimPod::name)
                .containsExactly("a-1", "b-1", "a-2", "a-3", "b-2", "b-3", "a-4", "a-5", "a-6", "a-7", "c-1");
        assertThat(workload.rolledOut(1).pods())
                .extracting(SimPod::name)
                .containsExactlyElementsOf(pods.stream().map(SimPod::name).toList());
    }

    @Test
    void marginalOpeningCostDecidesBetweenJoiningAndOpening() {
        // b differs from a by 2 names (marginal 2 on a's node): joins with opening cost 3, opens with cost 1.
        Workload workload =
                Workload.of(replica("a", 1, "read", "write"), replica("b", 1, "read", "write", "fsync", "sync"));
        for (long cost : new long[] {1, 3}) {
            SimulationResult result = new PlacementSimulator(
                            ClusterSpec.of(3, 10),
                            new PlacementSimulator.Settings(
                                    SyscallWeights.uniform(), ReplicaSpreadGuard.DEFAULT, cost, 0))
                    .run(workload, Strategy.parse("marginal"), NONE);
            assertThat(together(result, "a-1").contains("b-1"))
                    .as("opening cost " + cost)
                    .isEqualTo(cost > 2);
        }
        assertThat(MarginalExs.DEFAULT_OPENING_COST).isPositive();
    }

    /**
     * Two nodes of two pods; a, b, c, d arrive in that order, one replica each. The marginal score puts b next to a
     * (it adds 3, less than opening a node), which leaves c and d together: cluster ExS 3 + 5. Planning the known
     * demand pairs a with c and b with d: 1 + 1, the optimum.
     */
    @Test
    void planningTheKnownDemandAvoidsTheChoiceThatLooksCheapestForThePodAtHand() {
        Workload workload = Workload.of(
                replica("a", 1, "read", "write"),
                replica("b", 1, "read", "ptrace", "mount"),
                replica("c", 1, "read", "write", "fsync"),
                replica("d", 1, "read", "ptrace", "mount", "bpf"));
        PlacementSimulator simulator = new PlacementSimulator(
                ClusterSpec.of(2, 2),
                PlacementSimulator.Settings.defaults().withPlan(PlacementSimulator.Settings.PLAN_KNOWS_ALL, 10_000));
        for (long seed = 1; seed <= 5; seed++) {
            SimulationResult greedy =
                    simulator.run(workload, Strategy.parse("marginal").withSeed(seed), NONE);
            assertThat(together(greedy, "a-1")).containsExactly("a-1", "b-1");
            assertThat(greedy.metrics().clusterExs()).isEqualTo(8);
            for (String strategy : List.of("marginal+plan", "kube+marginal:3+tsc+plan")) {
                SimulationResult planned =
                        simulator.run(workload, Strategy.parse(strategy).withSeed(seed), NONE);
                assertThat(together(planned, "a-1")).as(strategy).containsExactly("a-1", "c-1");
                assertThat(planned.metrics().clusterExs()).as(strategy).isEqualTo(2);
            }
        }
    }

    @Test
    void weightedStrategiesScoreWithTheWeights() {
        // Two nodes, opening cost 0: a and b open one each. c differs from a by ptrace (1 name) and from b by 3
        // names: unweighted it joins a; with ptrace weighing 10 it joins b.
        Workload workload = Workload.of(
                replica("a", 1, "read", "ptrace"),
                replica("b", 1, "read", "write", "fsync", "sync"),
                replica("c", 1, "read"));
        PlacementSimulator simulator = new PlacementSimulator(
                ClusterSpec.of(2, 10),
                new PlacementSimulator.Settings(
                        SyscallWeights.of(1, Map.of("ptrace", 10L)), ReplicaSpreadGuard.DEFAULT, 0, 0));
        for (long seed = 1; seed <= 5; seed++) {
            assertThat(together(
                            simulator.run(workload, Strategy.parse("marginal").withSeed(seed), NONE), "c-1"))
                    .containsExactly("a-1", "c-1");
            SimulationResult weighted =
                    simulator.run(workload, Strategy.parse("marginal+weighted").withSeed(seed), NONE);
            assertThat(together(weighted, "c-1")).containsExactly("b-1", "c-1");
            // weighted_exs measures with the weights whatever the strategy: c is exposed to 3 names of weight 1,
            // b to none, a alone.
            assertThat(weighted.metrics().weightedExs()).isEqualTo(3);
        }
    }
}
