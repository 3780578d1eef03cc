package io.github.sysched.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sysched.syscall.SyscallSet;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** kube-scheduler v1.26's score plugins, on hand-made nodes, against values worked out from its Go formulas. */
class KubeSchedulerModelTest {

    private static final SyscallSet READ = SyscallSet.of("read");
    private static final long MI = 1024L * 1024;

    private static SimPod pod(String name, Optional<String> controller, PodRequests requests) {
        return new SimPod(name, "p", READ, controller, false, requests);
    }

    @Test
    void leastAllocatedUsesNonZeroRequestsAndIntegerDivision() {
        SimulationState state = new SimulationState(ClusterSpec.of(1, 10));
        state.place(pod("a", Optional.empty(), PodRequests.NONE), 0);
        state.place(pod("b", Optional.empty(), PodRequests.NONE), 0);
        KubeSchedulerModel kube = new KubeSchedulerModel(state);
        // CPU (4000 − 300)·100/4000 = 92; memory (16384 − 600)·100/16384 = 96 (MiB); mean (92 + 96)/2 = 94.
        assertThat(kube.leastAllocated(pod("c", Optional.empty(), PodRequests.NONE), 0))
                .isEqualTo(94);
    }

    @Test
    void balancedAllocationUsesTheRequestsAsWritten() {
        SimulationState state = new SimulationState(ClusterSpec.of(1, 10));
        state.place(pod("a", Optional.empty(), new PodRequests(1000, 1024 * MI, 1000, 1024 * MI)), 0);
        KubeSchedulerModel kube = new KubeSchedulerModel(state);
        // CPU 1500/4000 = 0.375, memory 3 GiB/16 GiB = 0.1875: (1 − 0.09375)·100 = 90.6 → 90.
        assertThat(kube.balancedAllocation(
                        pod("b", Optional.empty(), new PodRequests(500, 2048 * MI, 500, 2048 * MI)), 0))
                .isEqualTo(90);
        // a pod without requests on an empty node: both fractions 0, perfectly balanced
        assertThat(new KubeSchedulerModel(new SimulationState(ClusterSpec.of(1, 10)))
                        .balancedAllocation(pod("c", Optional.empty(), PodRequests.NONE), 0))
                .isEqualTo(100);
    }

    @Test
    void podTopologySpreadWithTheSystemDefaultsNormalizesAsUpstream() {
        SimulationState state = new SimulationState(ClusterSpec.of(3, 10));
        Optional<String> web = Optional.of("ReplicaSet default/web");
        state.place(pod("w1", web, PodRequests.NONE), 1);
        state.place(pod("w2", web, PodRequests.NONE), 2);
        state.place(pod("w3", web, PodRequests.NONE), 2);
        KubeSchedulerModel kube = new KubeSchedulerModel(state);
        List<KubeSchedulerModel.SoftConstraint> defaults = List.of(
                new KubeSchedulerModel.SoftConstraint(true, 3), new KubeSchedulerModel.SoftConstraint(false, 5));
        // No zones: only the hostname constraint scores. Counts 0, 1, 2 × log(3 + 2) + 4 → 4, 6, 7 (rounded);
        // 100·(max + min − s)/max → 100, 71, 57.
        assertThat(kube.podTopologySpread(pod("w4", web, PodRequests.NONE), new int[] {0, 1, 2}, 3, defaults, false))
                .containsExactly(100, 71, 57);
    }

    @Test
    void podTopologySpreadCountsZonesOverAllNodesOfTheCandidatesZones() {
        List<SimNode> nodes = List.of(
                new SimNode("a1", 10, SimNode.NodeAllocatable.DEFAULT, Optional.of("a"), 0),
                new SimNode("a2", 10, SimNode.NodeAllocatable.DEFAULT, Optional.of("a"), 0),
                new SimNode("b1", 10, SimNode.NodeAllocatable.DEFAULT, Optional.of("b"), 0));
        SimulationState state = new SimulationState(new ClusterSpec(nodes));
        Optional<String> web = Optional.of("ReplicaSet default/web");
        state.place(pod("w1", web, PodRequests.NONE), 0);
        KubeSchedulerModel kube = new KubeSchedulerModel(state);
        List<KubeSchedulerModel.SoftConstraint> defaults = List.of(
                new KubeSchedulerModel.SoftConstraint(true, 3), new KubeSchedulerModel.SoftConstraint(false, 5));
        // zone weight log(2 + 2), hostname weight log(2 + 2) with candidates a2, b1 (a1 full for this pod, say):
        // a2: zone a count 1 → 1.386 + 2, host 0 → 0 + 4: 7.39 → 7; b1: 0 + 2 + 0 + 4 = 6.
        // normalized: a2 100·(7 + 6 − 7)/7 = 85; b1 100·(7 + 6 − 6)/7 = 100.
        assertThat(kube.podTopologySpread(pod("w2", web, PodRequests.NONE), new int[] {1, 2}, 2, defaults, false))
                .containsExactly(85, 100);
    }

    @Test
    void taintTolerationReversesThePreferNoScheduleCount() {
        List<SimNode> nodes = List.of(
                new SimNode("n0", 10, SimNode.NodeAllocatable.DEFAULT, Optional.empty(), 0),
                new SimNode("n1", 10, SimNode.NodeAllocatable.DEFAULT, Optional.empty(), 1),
                new SimNode("n2", 10, SimNode.NodeAllocatable.DEFAULT, Optional.empty(), 2));
        KubeSchedulerModel kube = new KubeSchedulerModel(new SimulationState(new ClusterSpec(nodes)));
        assertThat(kube.taintToleration(new int[] {0, 1, 2}, 3)).containsExactly(100, 50, 0);
    }

    @Test
    void theExtenderWeightDecidesAgainstKubeSchedulersOwnPlugins() {
        // Node 1 holds a pod with P's own set but half the CPU; node 2 a dissimilar pod without requests.
        // kube-scheduler prefers node 2 by 49 points (LeastAllocated 72 vs 96, Balanced 75 vs 100); the marginal
        // score puts node 1 one level up: 10 points at weight 1, 50 at weight 5.
        SimPod heavy = new SimPod(
                "heavy",
                "a",
                READ,
                Optional.empty(),
                false,
                new PodRequests(2000, 0, 2000, PodRequests.DEFAULT_MEMORY));
        SimPod other = new SimPod(
                "other", "b", SyscallSet.of("read", "write", "openat"), Optional.empty(), false, PodRequests.NONE);
        SimPod incoming = new SimPod("p", "a", READ, Optional.empty(), false, PodRequests.NONE);
        Workload workload = Workload.of(heavy, other, incoming);
        ClusterSpec cluster = ClusterSpec.of(2, 10);
        for (long seed = 1; seed <= 10; seed++) {
            // heavy and other open one node each (marginal: other adds 2 next to heavy, opening costs 0 here)
            PlacementSimulator simulator = new PlacementSimulator(
                    cluster, PlacementSimulator.Settings.defaults().withOpeningCost(0));
            SimulationResult light =
                    simulator.run(workload, Strategy.parse("kube+marginal:1").withSeed(seed), SyscallSet.empty());
            SimulationResult strong =
                    simulator.run(workload, Strategy.parse("kube+marginal:5").withSeed(seed), SyscallSet.empty());
            assertThat(light.nodeOfPod().get("p")).isEqualTo(light.nodeOfPod().get("other"));
            assertThat(strong.nodeOfPod().get("p")).isEqualTo(strong.nodeOfPod().get("heavy"));
        }
    }
}
