package io.github.sysched.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sysched.scoring.ReplicaSpreadGuard;
import io.github.sysched.syscall.SyscallSet;
import io.github.sysched.syscall.SyscallWeights;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlacementMetricsTest {

    private static final SyscallSet V = SyscallSet.of("ptrace", "bpf");
    private static final List<String> NODES = List.of("a", "b", "c");

    private static SimPod pod(String name, String... syscalls) {
        return new SimPod(name, name, SyscallSet.of(syscalls));
    }

    @Test
    void everyMetricOnAHandMadePlacement() {
        SimPod p1 = pod("p1", "read", "write", "ptrace");
        SimPod p2 = pod("p2", "read", "openat");
        SimPod p3 = pod("p3", "read");
        PlacementMetrics m = PlacementMetrics.measure("x", NODES, Map.of("a", List.of(p1, p2), "b", List.of(p3)), 2, V);

        assertThat(m.pods()).isEqualTo(5);
        assertThat(m.placed()).isEqualTo(3);
        assertThat(m.unscheduled()).isEqualTo(2);
        assertThat(m.nodes()).isEqualTo(3);
        assertThat(m.nodesUsed()).isEqualTo(2);
        // a: U = {read, write, ptrace, openat}, k = 2: 2·4 − (3 + 2) = 3; b: 1·1 − 1 = 0.
        assertThat(m.clusterExs()).isEqualTo(3);
        // |U| over the used nodes only: (4 + 1) / 2; the empty node c does not count.
        assertThat(m.meanAttackSurface()).isEqualTo(2.5);
        assertThat(m.maxAttackSurface()).isEqualTo(4);
        assertThat(m.vulnerableCount()).isEqualTo(2);
        // a hosts ptrace; p2 does not allow it, p1 does (p1 is the one who may make it).
        assertThat(m.victimNodes()).isEqualTo(1);
        assertThat(m.victimPods()).isEqualTo(1);
    }

    @Test
    void aPodThatAllowsOneVulnerableSyscallIsStillAVictimOfAnother() {
        SimPod tracer = pod("tracer", "read", "ptrace");
        SimPod bpfUser = pod("bpf", "read", "bpf");
        SimPod both = pod("both", "read", "ptrace", "bpf");
        SimPod plain = pod("plain", "read");
        PlacementMetrics m = PlacementMetrics.measure(
                "x",
                NODES,
                Map.of("a", List.of(tracer, bpfUser, both), "b", List.of(plain), "c", List.of(pod("alone", "ptrace"))),
                0,
                V);

        // a: tracer misses bpf, bpfUser misses ptrace, both misses nothing; b: no V; c: V but nobody else.
        assertThat(m.victimPods()).isEqualTo(2);
        assertThat(m.victimNodes()).isEqualTo(2);
        // a: U = {read, ptrace, bpf}: 3·3 − (2 + 2 + 3) = 2; b, c: 0.
        assertThat(m.clusterExs()).isEqualTo(2);
        assertThat(m.meanAttackSurface()).isEqualTo(5 / 3.0);
        assertThat(m.maxAttackSurface()).isEqualTo(3);
    }

    @Test
    void weightsApplyToWeightedExsOnly() {
        SimPod p1 = pod("p1", "read", "ptrace");
        SimPod p2 = pod("p2", "read");
        PlacementMetrics m = PlacementMetrics.measure(
                "x",
                NODES,
                Map.of("a", List.of(p1, p2)),
                0,
                V,
                SyscallWeights.of(1, Map.of("ptrace", 10L)),
                ReplicaSpreadGuard.DEFAULT);

        assertThat(m.weightedExs()).isEqualTo(10); // p2 is exposed to ptrace, weight 10
        assertThat(m.clusterExs()).isEqualTo(1); // plain ExS stays unweighted
        assertThat(m.maxAttackSurface()).isEqualTo(2);
    }

    @Test
    void anEmptyPlacementMeasuresZero() {
        PlacementMetrics m = PlacementMetrics.measure("x", NODES, Map.of(), 0, V);
        assertThat(List.of(m.pods(), m.nodesUsed(), m.maxAttackSurface(), m.victimNodes(), m.victimPods()))
                .containsOnly(0);
        assertThat(m.meanAttackSurface()).isZero();
        assertThat(m.clusterExs()).isZero();
        assertThat(List.of(m.victimNodesPerSyscall(), m.victimPodsPerSyscall(), m.maxReplicaShare()))
                .containsOnly(0.0);
        assertThat(m.stackedWorkloads()).isZero();
    }

    @Test
    void perSyscallVictimsAverageOverV() {
        // V = {ptrace, bpf}. Node a: U ∋ ptrace, bpf; node b: U ∋ ptrace only; node c: no V.
        SimPod tracer = pod("tracer", "read", "ptrace");
        SimPod bpfUser = pod("bpf", "read", "bpf");
        SimPod plain = pod("plain", "read");
        PlacementMetrics m = PlacementMetrics.measure(
                "x",
                NODES,
                Map.of(
                        "a", List.of(tracer, bpfUser, plain),
                        "b", List.of(pod("tracer2", "read", "ptrace"), pod("plain2", "read")),
                        "c", List.of(pod("plain3", "read"))),
                0,
                V);

        // ptrace: exposed on a and b (2 nodes), victims bpf, plain, plain2 (3 pods);
        // bpf: exposed on a (1 node), victims tracer, plain (2 pods).
        assertThat(m.victimNodesPerSyscall()).isEqualTo((2 + 1) / 2.0);
        assertThat(m.victimPodsPerSyscall()).isEqualTo((3 + 2) / 2.0);
        // any of V: nodes a, b; pods tracer, bpf, plain, plain2
        assertThat(m.victimNodes()).isEqualTo(2);
        assertThat(m.victimPods()).isEqualTo(4);
    }

    @Test
    void replicaShareStackingAndTheGuardBoundCountControllersWithTwoOrMorePlacedReplicas() {
        SimPod a1 = SimPod.replica("a-1", "default/a", "a", SyscallSet.of("read"));
        SimPod a2 = SimPod.replica("a-2", "default/a", "a", SyscallSet.of("read"));
        SimPod a3 = SimPod.replica("a-3", "default/a", "a", SyscallSet.of("read"));
        SimPod b1 = SimPod.replica("b-1", "default/b", "b", SyscallSet.of("write"));
        SimPod b2 = SimPod.replica("b-2", "default/b", "b", SyscallSet.of("write"));
        SimPod single = SimPod.replica("c-1", "default/c", "c", SyscallSet.of("read"));
        PlacementMetrics m = PlacementMetrics.measure(
                "x", NODES, Map.of("a", List.of(a1, a2, b1, b2, single), "b", List.of(a3)), 0, V);

        // a: 2 of 3 on node a; b: 2 of 2 on node a (stacked); c has one replica and does not count.
        assertThat(m.maxReplicaShare()).isEqualTo(1.0);
        assertThat(m.stackedWorkloads()).isEqualTo(1);
        // bound ⌈r/3⌉ = 1 per node: a has one replica over it on node a, b one too.
        assertThat(m.replicasOverGuard()).isEqualTo(2);
    }
}
