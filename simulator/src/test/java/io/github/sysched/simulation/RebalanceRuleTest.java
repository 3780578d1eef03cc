package io.github.sysched.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sysched.scoring.ExtenderScoring;
import io.github.sysched.scoring.RebalancePlanner;
import io.github.sysched.scoring.ReplicaSpreadGuard;
import io.github.sysched.syscall.SyscallSet;
import io.github.sysched.syscall.SyscallWeights;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The {@code rebalance[:K]} rule: evictions planned by {@link RebalancePlanner}, replacements placed by the strategy. */
class RebalanceRuleTest {

    private static final SyscallSet SMALL = SyscallSet.of("read", "write");
    private static final SyscallSet BIG = SyscallSet.of("read", "write", "openat", "mmap");

    private static SimPod replica(String name, SyscallSet syscalls) {
        return SimPod.replica(name, "default/" + name, name, syscalls);
    }

    /**
     * Two nodes of three pods; a big pod, a small one, a big one, a small one arrive, each its own Deployment. The
     * small pod joins the first big one (it adds 2, the empty node costs 20), the second big one joins them (adds 0),
     * and the last small pod has only the empty node left: cluster ExS 2. Evicting the first small pod saves 2 and its
     * replacement goes beside the other small one (adds 0): one eviction, ExS 0.
     */
    private static final Workload ARRIVAL_ORDER_SPOILS = new Workload(
            List.of(replica("big1", BIG), replica("small1", SMALL), replica("big2", BIG), replica("small2", SMALL)));

    private static final ClusterSpec TWO_BY_THREE = ClusterSpec.of(2, 3);

    /** The rule with a minimum gain of 1 (the default would not move for 2). */
    private static PlacementSimulator anyGain(ClusterSpec cluster) {
        return new PlacementSimulator(
                cluster, PlacementSimulator.Settings.defaults().withRebalanceMinGain(1));
    }

    @Test
    void oneEvictionFixesWhatTheArrivalOrderSpoiled() {
        PlacementSimulator simulator = anyGain(TWO_BY_THREE);
        for (String base : List.of("marginal+guard", "kube+marginal:3+tsc", "kube+marginal:1+tsc")) {
            for (long seed = 1; seed <= 5; seed++) {
                Strategy online = Strategy.parse(base + "@" + seed);
                Strategy rebalanced = Strategy.parse(base + "+rebalance@" + seed);
                SimulationResult before = simulator.run(ARRIVAL_ORDER_SPOILS, online, SyscallSet.empty());
                SimulationResult after = simulator.run(ARRIVAL_ORDER_SPOILS, rebalanced, SyscallSet.empty());
                assertThat(before.metrics().clusterExs()).as(base).isEqualTo(2);
                assertThat(after.metrics().clusterExs()).as(base).isZero();
                assertThat(after.rebalancing())
                        .as(base)
                        .isEqualTo(new SimulationResult.Rebalancing(1, 2, 2, 0, 0, List.of()));
                assertThat(after.nodeOfPod().get("small1"))
                        .isEqualTo(after.nodeOfPod().get("small2"));
                assertThat(after.nodeOfPod().get("big1"))
                        .isEqualTo(after.nodeOfPod().get("big2"));
                assertThat(after.decisions())
                        .as("decisions are the online placement's")
                        .isEqualTo(before.decisions());
            }
        }
    }

    @Test
    void aBarePodIsNeverEvictedAndABudgetIsABudget() {
        Workload bare = new Workload(List.of(
                replica("big1", BIG),
                new SimPod("small1", "small", SMALL),
                replica("big2", BIG),
                replica("small2", SMALL)));
        SimulationResult result =
                anyGain(TWO_BY_THREE).run(bare, Strategy.parse("marginal+guard+rebalance"), SyscallSet.empty());
        assertThat(result.metrics().clusterExs()).isEqualTo(2);
        assertThat(result.rebalancing()).isEqualTo(SimulationResult.Rebalancing.NONE);

        SimulationResult atMin = new PlacementSimulator(
                        TWO_BY_THREE, PlacementSimulator.Settings.defaults().withRebalanceMinGain(3))
                .run(ARRIVAL_ORDER_SPOILS, Strategy.parse("marginal+guard+rebalance"), SyscallSet.empty());
        assertThat(atMin.rebalancing().evictions()).as("a gain of 2 is below 3").isZero();
        assertThat(new PlacementSimulator(TWO_BY_THREE)
                        .run(ARRIVAL_ORDER_SPOILS, Strategy.parse("marginal+guard+rebalance"), SyscallSet.empty())
                        .rebalancing()
                        .evictions())
                .as("nor below the default " + RebalancePlanner.DEFAULT_MIN_GAIN)
                .isZero();
        assertThat(anyGain(TWO_BY_THREE)
                        .run(ARRIVAL_ORDER_SPOILS, Strategy.parse("marginal+guard+rebalance:1"), SyscallSet.empty())
                        .rebalancing()
                        .evictions())
                .isEqualTo(1);
    }

    /** Random workloads ({@link RandomWorkloads}), one in five of bare pods: never a candidate. */
    private static List<SimPod> randomWorkload(Random random, int workloads, int maxReplicas, PodRequests requests) {
        return RandomWorkloads.of(random, workloads, maxReplicas, requests, 5);
    }

    /** Pod limits and requests, checked directly. */
    private static void assertWithinNodeLimits(SimulationResult result) {
        for (Map.Entry<String, List<SimPod>> node : result.podsByNode().entrySet()) {
            SimNode spec = result.cluster().nodes().stream()
                    .filter(n -> n.name().equals(node.getKey()))
                    .findFirst()
                    .orElseThrow();
            assertThat(node.getValue().size()).isLessThanOrEqualTo(spec.podLimit());
            assertThat(node.getValue().stream()
                            .mapToLong(p -> p.requests().cpuMilli())
                            .sum())
                    .isLessThanOrEqualTo(spec.allocatable().cpuMilli());
        }
    }

    /**
     * On random clusters, for the guarded strategies the chart deploys and the extender alone: the rule never breaks
     * the guard or a node limit, each eviction's realized gain is the cluster ExS it removed, and it stops on a
     * placement where the planner finds nothing. With the extender alone (its guard is the planner's) it is monotone:
     * every replacement lands where predicted and realizes at least the predicted gain. Inside kube-scheduler it is
     * not: its own plugins (at weight 1, with requests) or the injected constraint's skew rule may send a replacement
     * elsewhere, and only then does an eviction realize less than predicted.
     */
    @Test
    void neverBreaksTheGuardOrANodeLimitAndIsMonotoneWhereTheScoreDecides() {
        Random random = new Random(9);
        PodRequests oneCpu = new PodRequests(1000, 1L << 30, 1000, 1L << 30);
        int evictions = 0;
        int kubeOffPrediction = 0;
        for (int round = 0; round < 40; round++) {
            boolean requests = round % 2 == 1;
            ClusterSpec cluster = ClusterSpec.of(3 + random.nextInt(4), 4 + random.nextInt(4));
            List<SimPod> pods = randomWorkload(random, 5 + random.nextInt(6), 4, requests ? oneCpu : PodRequests.NONE);
            Workload workload = new Workload(pods);
            PlacementSimulator simulator = new PlacementSimulator(
                    cluster, PlacementSimulator.Settings.defaults().withRebalanceMinGain(1 + random.nextInt(5)));
            for (String base : List.of("marginal+guard", "kube+marginal:3+tsc", "kube+marginal:1+tsc")) {
                Strategy online = Strategy.parse(base + "@" + round);
                Strategy rebalanced = Strategy.parse(base + "+rebalance@" + round);
                SimulationResult before = simulator.run(workload, online, SyscallSet.empty());
                SimulationResult after = simulator.run(workload, rebalanced, SyscallSet.empty());
                SimulationResult.Rebalancing done = after.rebalancing();
                String what = base + " round " + round;
                assertWithinNodeLimits(after);
                assertThat(after.metrics().replicasOverGuard())
                        .as(what)
                        .isLessThanOrEqualTo(before.metrics().replicasOverGuard());
                if (before.metrics().replicasOverGuard() == 0) {
                    assertThat(after.metrics().replicasOverGuard()).as(what).isZero();
                }
                assertThat(after.unscheduled()).hasSize(before.unscheduled().size() + done.pending());
                if (done.pending() == 0) {
                    assertThat(after.metrics().clusterExs())
                            .as(what + ": the realized gains are what the cluster ExS lost")
                            .isEqualTo(before.metrics().clusterExs() - done.realizedGain());
                }
                assertThat(done.shortfalls())
                        .as(what + ": an eviction falls short only when its replacement lands off the prediction")
                        .isLessThanOrEqualTo(done.offPrediction());
                if (base.equals("marginal+guard")) {
                    assertThat(done.offPrediction()).as(what).isZero();
                    assertThat(done.realizedGain()).as(what).isGreaterThanOrEqualTo(done.predictedGain());
                    assertThat(after.metrics().clusterExs())
                            .isLessThanOrEqualTo(before.metrics().clusterExs());
                } else {
                    kubeOffPrediction += done.offPrediction();
                }
                if (!before.unscheduled().isEmpty()) {
                    assertThat(done).as(what + ": a pod is pending").isEqualTo(SimulationResult.Rebalancing.NONE);
                } else if (done.pending() == 0
                        && done.evictions() < PlacementSimulator.EVICTION_SAFETY_FACTOR * workload.size()) {
                    assertThat(plan(after, simulator.settings().rebalanceMinGain(), done.heldBack()))
                            .as(what + ": it stops where nothing gains enough")
                            .isEmpty();
                }
                evictions += done.evictions();
            }
        }
        assertThat(evictions).as("evictions over all rounds").isGreaterThan(40);
        assertThat(kubeOffPrediction)
                .as("inside kube-scheduler replacements do land off the prediction")
                .isGreaterThan(0);
    }

    /**
     * The planner on a result's final placement, as the rule asks it (unweighted, default opening cost, the injected
     * constraints for {@code tsc}, the guard's bound otherwise), without the workloads the rule held back.
     */
    private static Optional<RebalancePlanner.Eviction> plan(
            SimulationResult result, long minGain, List<String> heldBack) {
        RebalancePlanner planner = new RebalancePlanner(
                ExtenderScoring.DEFAULT,
                SyscallWeights.uniform(),
                ReplicaSpreadGuard.DEFAULT,
                result.strategy().has(Strategy.Rule.SPREAD_HARD)
                        ? RebalancePlanner.Spreading.SKEW
                        : RebalancePlanner.Spreading.BOUND,
                minGain);
        List<RebalancePlanner.Node> nodes = result.cluster().nodes().stream()
                .map(n -> new RebalancePlanner.Node(n.name(), n.zone()))
                .toList();
        Map<String, Integer> podsOn = new HashMap<>();
        Map<String, Long> cpuOn = new HashMap<>();
        List<RebalancePlanner.Pod> pods = new ArrayList<>();
        Map<String, SimPod> byName = new HashMap<>();
        for (SimPod pod : result.workload().pods()) {
            String node = result.nodeOfPod().get(pod.name());
            if (node != null) {
                byName.put(pod.name(), pod);
                podsOn.merge(node, 1, Integer::sum);
                cpuOn.merge(node, pod.requests().cpuMilli(), Long::sum);
                pods.add(new RebalancePlanner.Pod(
                        pod.name(),
                        node,
                        pod.syscalls(),
                        pod.controller().isPresent()
                                && !heldBack.contains(pod.controller().get()),
                        pod.guarded() ? pod.controller() : Optional.empty()));
            }
        }
        Map<String, SimNode> specs = new HashMap<>();
        result.cluster().nodes().forEach(n -> specs.put(n.name(), n));
        return planner.plan(
                nodes,
                pods,
                (pod, node) -> podsOn.getOrDefault(node, 0) < specs.get(node).podLimit()
                        && cpuOn.getOrDefault(node, 0L)
                                        + byName.get(pod.uid()).requests().cpuMilli()
                                <= specs.get(node).allocatable().cpuMilli());
    }

    @Test
    void theSameSeedGivesTheSameEvictionsAndAWorkloadWithoutGainIsLeftAlone() {
        Random random = new Random(3);
        Workload workload = new Workload(randomWorkload(random, 12, 4, PodRequests.NONE));
        PlacementSimulator simulator = anyGain(ClusterSpec.of(6, 8));
        Strategy strategy = Strategy.parse("kube+marginal:3+tsc+rebalance:5@7");
        SimulationResult first = simulator.run(workload, strategy, SyscallSet.empty());
        SimulationResult second = simulator.run(workload, strategy, SyscallSet.empty());
        assertThat(first.nodeOfPod()).isEqualTo(second.nodeOfPod());
        assertThat(first.rebalancing()).isEqualTo(second.rebalancing());
        assertThat(first.rebalancing().evictions()).isBetween(1, 5);

        // Every pod alike: cluster ExS 0, nothing to gain.
        List<SimPod> alike = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            alike.add(replica("same" + i, BIG));
        }
        SimulationResult quiet = simulator.run(new Workload(alike), strategy, SyscallSet.empty());
        assertThat(quiet.rebalancing()).isEqualTo(SimulationResult.Rebalancing.NONE);
    }
}
