package io.github.sysched.simulation;

import static org.assertj.core.api.Assertions.assertThat;

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
        PlacementMetrics m = PlacementMetrics.measure("x", NODES, Map.of("a", List.of(p1, p2), "b", List.of(p3)), 2,
                V, SyscallWeights.uniform());

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
        PlacementMetrics m = PlacementMetrics.measure("x", NODES,
                Map.of("a", List.of(tracer, bpfUser, both), "b", List.of(plain), "c", List.of(pod("alone", "ptrace"))),
                0, V, SyscallWeights.uniform());

        // a: tracer misses bpf, bpfUser misses ptrace, both misses nothing; b: no V; c: V but nobody else.
        assertThat(m.victimPods()).isEqualTo(2);
        assertThat(m.victimNodes()).isEqualTo(2);
        // a: U = {read, ptrace, bpf}: 3·3 − (2 + 2 + 3) = 2; b, c: 0.
        assertThat(m.clusterExs()).isEqualTo(2);
        assertThat(m.meanAttackSurface()).isEqualTo(5 / 3.0);
        assertThat(m.maxAttackSurface()).isEqualTo(3);
    }

    @Test
    void weightsApplyToClusterExsOnly() {
        SimPod p1 = pod("p1", "read", "ptrace");
        SimPod p2 = pod("p2", "read");
        PlacementMetrics m = PlacementMetrics.measure("x", NODES, Map.of("a", List.of(p1, p2)), 0, V,
                SyscallWeights.of(1, Map.of("ptrace", 10L)));

        assertThat(m.clusterExs()).isEqualTo(10); // p2 is exposed to ptrace, weight 10
        assertThat(m.maxAttackSurface()).isEqualTo(2);
    }

    @Test
    void anEmptyPlacementMeasuresZero() {
        PlacementMetrics m = PlacementMetrics.measure("x", NODES, Map.of(), 0, V, SyscallWeights.uniform());
        assertThat(List.of(m.pods(), m.nodesUsed(), m.maxAttackSurface(), m.victimNodes(), m.victimPods()))
                .containsOnly(0);
        assertThat(m.meanAttackSurface()).isZero();
        assertThat(m.clusterExs()).isZero();
    }
}
