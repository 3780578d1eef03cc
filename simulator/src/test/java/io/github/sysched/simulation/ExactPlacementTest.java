package io.github.sysched.simulation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.sysched.scoring.ReplicaSpreadGuard;
import io.github.sysched.syscall.SyscallSet;
import io.github.sysched.syscall.SyscallTable;
import io.github.sysched.syscall.SyscallWeights;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ExactPlacementTest {

    private static final List<String> NAMES =
            SyscallTable.x86_64().allSyscalls().names().subList(0, 30);

    /** Every assignment of pods to nodes, checked and measured naively. */
    private static long bruteForce(List<SimPod> pods, int nodes, int limit, boolean guarded) {
        int n = pods.size();
        int[] assignment = new int[n];
        long best = Long.MAX_VALUE;
        int total = (int) Math.pow(nodes, n);
        Map<String, Integer> replicas = new HashMap<>();
        pods.forEach(p -> replicas.merge(p.controller().orElseThrow(), 1, Integer::sum));
        for (int code = 0; code < total; code++) {
            int c = code;
            for (int i = 0; i < n; i++) {
                assignment[i] = c % nodes;
                c /= nodes;
            }
            long exs = 0;
            boolean ok = true;
            for (int node = 0; node < nodes && ok; node++) {
                List<SimPod> on = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    if (assignment[i] == node) {
                        on.add(pods.get(i));
                    }
                }
                if (on.size() > limit) {
                    ok = false;
                }
                Map<String, Integer> perWorkload = new HashMap<>();
                on.forEach(p -> perWorkload.merge(p.controller().orElseThrow(), 1, Integer::sum));
                for (Map.Entry<String, Integer> e : perWorkload.entrySet()) {
                    if (guarded
                            && e.getValue()
                                    > ReplicaSpreadGuard.DEFAULT.maxPerDomain(replicas.get(e.getKey()), nodes)) {
                        ok = false;
                    }
                }
                SyscallSet union = SyscallSet.empty();
                for (SimPod p : on) {
                    union = union.union(p.syscalls());
                }
                for (SimPod p : on) {
                    exs += union.difference(p.syscalls()).cardinality();
                }
            }
            if (ok) {
                best = Math.min(best, exs);
            }
        }
        return best;
    }

    private static List<SimPod> randomPods(Random random, int count) {
        List<SimPod> pods = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String workload = "w" + random.nextInt(3);
            Set<String> names = new HashSet<>();
            for (int k = 0; k < 8; k++) {
                names.add(NAMES.get(random.nextInt(NAMES.size())));
            }
            pods.add(SimPod.replica("p" + i, "default/" + workload, workload, SyscallSet.of(names)));
        }
        return pods;
    }

    @Test
    void branchAndBoundFindsWhatExhaustiveEnumerationFinds() {
        Random random = new Random(12);
        for (int round = 0; round < 40; round++) {
            List<SimPod> pods = randomPods(random, 4 + random.nextInt(4));
            int nodes = 2 + random.nextInt(2);
            int limit = (pods.size() + nodes - 1) / nodes + random.nextInt(2);
            boolean guarded = round % 2 == 0;
            long expected = bruteForce(pods, nodes, limit, guarded);
            if (expected == Long.MAX_VALUE) {
                assertThatThrownBy(() -> ExactPlacement.minimize(
                                pods,
                                ClusterSpec.of(nodes, limit),
                                guarded,
                                ReplicaSpreadGuard.DEFAULT,
                                SyscallWeights.uniform()))
                        .hasMessageContaining("no placement");
                continue;
            }
            ExactPlacement.Optimum optimum = ExactPlacement.minimize(
                    pods, ClusterSpec.of(nodes, limit), guarded, ReplicaSpreadGuard.DEFAULT, SyscallWeights.uniform());
            assertThat(optimum.clusterExs()).as("round " + round).isEqualTo(expected);
            // the placement it returns reaches that value
            Map<String, List<SimPod>> byNode = new HashMap<>();
            ExactPlacement.byNode(pods, optimum).forEach((node, on) -> byNode.put("n" + node, on));
            assertThat(PlacementMetrics.measure("opt", List.of("n0", "n1", "n2"), byNode, 0, SyscallSet.empty())
                            .clusterExs())
                    .isEqualTo(expected);
        }
    }

    @Test
    void refusesWhatItCannotSolveExactly() {
        List<SimPod> pods = randomPods(new Random(1), ExactPlacement.MAX_PODS + 1);
        assertThatThrownBy(() -> ExactPlacement.minimize(
                        pods, ClusterSpec.of(3, 10), true, ReplicaSpreadGuard.DEFAULT, SyscallWeights.uniform()))
                .hasMessageContaining("at most 12");
        List<SimNode> zoned = List.of(
                new SimNode("a", 4, SimNode.NodeAllocatable.DEFAULT, java.util.Optional.of("z"), 0),
                new SimNode("b", 4));
        assertThatThrownBy(() -> ExactPlacement.minimize(
                        pods.subList(0, 3),
                        new ClusterSpec(zoned),
                        true,
                        ReplicaSpreadGuard.DEFAULT,
                        SyscallWeights.uniform()))
                .hasMessageContaining("interchangeable");
    }

    @Test
    void theGapStudyComparesEachStrategyWithTheOptimumOfItsOwnConstraints() {
        Random random = new Random(5);
        Map<String, SyscallSet> profiles = new java.util.LinkedHashMap<>();
        for (int i = 0; i < 6; i++) {
            Set<String> names = new HashSet<>();
            for (int k = 0; k < 10; k++) {
                names.add(NAMES.get(random.nextInt(NAMES.size())));
            }
            profiles.put("img" + i, SyscallSet.of(names));
        }
        OptimalityGap.Report report = OptimalityGap.study(
                profiles,
                List.of(Strategy.spread(), Strategy.parse("marginal+guard"), Strategy.parse("exs")),
                PlacementSimulator.Settings.defaults(),
                4,
                2);
        assertThat(report.rows()).hasSize(3);
        for (OptimalityGap.Row row : report.rows()) {
            assertThat(row.exs()).as(row.strategy()).isGreaterThanOrEqualTo(row.optimum());
            assertThat(row.gap()).isGreaterThanOrEqualTo(0);
        }
        assertThat(report.table()).contains("marginal+guard").contains("4 instances");
        assertThat(OptimalityGap.study(profiles, List.of(Strategy.exs()), PlacementSimulator.Settings.defaults(), 4, 2)
                        .rows()
                        .get(0)
                        .optimum())
                .isEqualTo(report.rows().get(2).optimum());
    }
}
