package io.github.sysched.simulation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.sysched.profile.SpoProfiles;
import io.github.sysched.spo.SeccompProfileV1Beta1;
import io.github.sysched.testsupport.TestResources;
import io.github.sysched.syscall.SyscallSet;
import io.github.sysched.syscall.SyscallTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PlacementSimulatorTest {

    private static final SyscallSet NONE = SyscallSet.empty();

    private static SimPod pod(String name, String... syscalls) {
        return new SimPod(name, name.replaceAll("\\d+$", ""), SyscallSet.of(syscalls));
    }

    private static SyscallSet seedProfile(String file) {
        SeccompProfileV1Beta1 profile = TestResources.read("/sysched-examples/" + file, "SeccompProfile",
                SeccompProfileV1Beta1.class);
        return SpoProfiles.policyOf(profile).allowedSyscalls(SyscallTable.x86_64().allSyscalls());
    }

    @Test
    void seedDemoByExsPutsTheNginxPodsTogetherAndRedisWithMemcached() {
        SyscallSet nginx = seedProfile("nginx.profile.yaml");
        SyscallSet redis = seedProfile("redis.profile.yaml");
        SyscallSet memcached = seedProfile("memcached.profile.yaml");
        Workload workload = Workload.of(new SimPod("nginx1", "nginx", nginx), new SimPod("redis1", "redis", redis),
                new SimPod("nginx2", "nginx", nginx), new SimPod("memcached1", "memcached", memcached));

        SimulationResult result = new PlacementSimulator(ClusterSpec.of(2, ClusterSpec.UNLIMITED))
                .run(workload, Strategy.exs(), NONE);

        assertThat(result.nodeOfPod()).containsExactly(Map.entry("nginx1", "node-01"), Map.entry("redis1", "node-02"),
                Map.entry("nginx2", "node-01"), Map.entry("memcached1", "node-02"));
        // Node 2: raw(memcached | redis) was 47 (SeedDemoScoresTest), i.e. 2·|U| − (86 + 53) = 47; nginx×2 adds 0.
        assertThat(result.metrics().clusterExs()).isEqualTo(47);
        assertThat(result.metrics().maxAttackSurface()).isEqualTo(98);
        assertThat(result.metrics().meanAttackSurface()).isEqualTo((98 + 93) / 2.0);
    }

    @Test
    void exsKeepsIdenticalPodsTogetherAndOpensEmptyNodesForStrangers() {
        Workload workload = Workload.of(pod("a1", "read", "write"), pod("b1", "socket", "bind"),
                pod("a2", "read", "write"), pod("c1", "read", "socket"));
        SimulationResult result = new PlacementSimulator(ClusterSpec.of(3, 10)).run(workload, Strategy.exs(), NONE);

        // a1: all nodes empty, all 100 → node-01. b1: node-01 raw 2·4−4 = 4 vs 0 → node-02.
        // a2: raw 0 on node-01 (same set), 4 on node-02, 0 on node-03 → tie, lowest index node-01.
        // c1: node-01 raw 3·3 − (2+2+2) = 3, node-02 raw 2·3 − (2+2) = 2, node-03 raw 0 → node-03.
        assertThat(result.nodeOfPod().values()).containsExactly("node-01", "node-02", "node-01", "node-03");
        assertThat(result.metrics().clusterExs()).isZero();
    }

    @Test
    void exsRanksOnlyFeasibleNodesAndNormalizesOverThem() {
        // Capacity 2: after a1, a2 fill node-01, a3 cannot join them even with raw 0.
        Workload workload = Workload.of(pod("a1", "read"), pod("a2", "read"), pod("b1", "read", "write", "socket"),
                pod("a3", "read"));
        SimulationResult result = new PlacementSimulator(ClusterSpec.of(3, 2)).run(workload, Strategy.exs(), NONE);

        // a3 on node-02 (with b1): raw 2·3 − 4 = 2; node-03 empty: 0 → node-03.
        assertThat(result.nodeOfPod().values()).containsExactly("node-01", "node-01", "node-02", "node-03");
        assertThat(result.unscheduled()).isEmpty();
    }

    @Test
    void spreadingPicksTheFewestPodsThenTheLowestIndex() {
        Workload workload = Workload.of(pod("p1", "read"), pod("p2", "read"), pod("p3", "read"), pod("p4", "write"),
                pod("p5", "write"));
        SimulationResult result = new PlacementSimulator(ClusterSpec.of(3, 10))
                .run(workload, Strategy.spread(), SyscallSet.of("write"));

        assertThat(result.nodeOfPod().values()).containsExactly("node-01", "node-02", "node-03", "node-01", "node-02");
        PlacementMetrics m = result.metrics();
        // node-01 {p1 read, p4 write}, node-02 {p2 read, p5 write}, node-03 {p3 read}.
        assertThat(m.clusterExs()).isEqualTo(4);
        assertThat(m.victimNodes()).isEqualTo(2);
        assertThat(m.victimPods()).isEqualTo(2);
        assertThat(m.meanAttackSurface()).isEqualTo(5 / 3.0);
        assertThat(m.maxAttackSurface()).isEqualTo(2);
    }

    @Test
    void spreadingWithATieSeedPicksAmongTheFewestAtRandomAndReproducibly() {
        List<SimPod> pods = new ArrayList<>();
        for (int i = 1; i <= 6; i++) {
            pods.add(pod("p" + i, i % 2 == 0 ? "read" : "write"));
        }
        Workload workload = new Workload(pods);
        PlacementSimulator simulator = new PlacementSimulator(ClusterSpec.of(3, 10));
        java.util.Set<String> firstChoices = new java.util.TreeSet<>();
        for (long seed = 1; seed <= 200; seed++) {
            SimulationResult result = simulator.run(workload, Strategy.spread(seed), NONE);
            // Still spreading: every node ends with exactly two pods, whatever the ties.
            assertThat(result.podsByNode().values()).allSatisfy(onNode -> assertThat(onNode).hasSize(2));
            assertThat(simulator.run(workload, Strategy.spread(seed), NONE).nodeOfPod())
                    .isEqualTo(result.nodeOfPod());
            firstChoices.add(result.nodeOfPod().get("p1"));
        }
        // Ties are broken at random, not towards the lowest index.
        assertThat(firstChoices).containsExactly("node-01", "node-02", "node-03");
    }

    @Test
    void podsBeyondCapacityAreUnscheduledAndTheRestStillPlaced() {
        Workload workload = Workload.of(pod("p1", "read"), pod("p2", "read"), pod("p3", "read"));
        for (Strategy strategy : List.of(Strategy.exs(), Strategy.spread(), Strategy.spread(5), Strategy.random(3))) {
            SimulationResult result = new PlacementSimulator(ClusterSpec.of(2, 1)).run(workload, strategy, NONE);
            assertThat(result.unscheduled()).as(strategy.label()).containsExactly("p3");
            assertThat(result.metrics().unscheduled()).isEqualTo(1);
            assertThat(result.metrics().placed()).isEqualTo(2);
            assertThat(result.nodeOfPod().values()).containsExactlyInAnyOrder("node-01", "node-02");
        }
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

        // The same choices by hand: java.util.Random(42).nextInt(#feasible) indexes the feasible nodes in order.
        Random random = new Random(42);
        int[] count = new int[4];
        List<String> expected = new ArrayList<>();
        for (int p = 0; p < 12; p++) {
            List<Integer> feasible = new ArrayList<>();
            for (int n = 0; n < 4; n++) {
                if (count[n] < 3) {
                    feasible.add(n);
                }
            }
            int chosen = feasible.get(random.nextInt(feasible.size()));
            count[chosen]++;
            expected.add(String.format("node-%02d", chosen + 1));
        }
        assertThat(result.nodeOfPod().values()).containsExactlyElementsOf(expected);
        assertThat(simulator.run(workload, Strategy.random(42), NONE).nodeOfPod()).isEqualTo(result.nodeOfPod());
        assertThat(result.podsByNode().values()).allMatch(list -> list.size() == 3);
    }

    @Test
    void runAllKeepsTheStrategyOrder() {
        Workload workload = Workload.of(pod("p1", "read"));
        List<SimulationResult> results = new PlacementSimulator(ClusterSpec.of(1, 1))
                .runAll(workload, List.of(Strategy.spread(), Strategy.exs(), Strategy.random(7)), NONE);
        assertThat(results).extracting(r -> r.metrics().label()).containsExactly("spread", "exs", "random(seed=7)");
    }

    @Test
    void strategiesParse() {
        assertThat(Strategy.parse("ExS")).isEqualTo(Strategy.exs());
        assertThat(Strategy.parse("spread")).isEqualTo(Strategy.spread());
        assertThat(Strategy.parse("random:9")).isEqualTo(Strategy.random(9));
        assertThat(Strategy.parse("spread:4")).isEqualTo(Strategy.spread(4));
        assertThat(Strategy.spread(4).label()).isEqualTo("spread(ties seed=4)");
        assertThat(Strategy.parse("random")).isEqualTo(Strategy.random(1));
        assertThatThrownBy(() -> Strategy.parse("binpack")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Strategy.parse("random:x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void clusterSpecsAndWorkloadsValidate() {
        assertThat(ClusterSpec.of(3, 5).nodeNames()).containsExactly("node-01", "node-02", "node-03");
        assertThat(ClusterSpec.of(120, 5).nodeNames().get(0)).isEqualTo("node-001");
        assertThat(ClusterSpec.of(50, 6).capacity()).isEqualTo(300);
        assertThatThrownBy(() -> ClusterSpec.of(0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ClusterSpec.of(1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ClusterSpec(List.of("a", "a"), 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Workload.of(pod("p", "read"), pod("p", "write")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void workloadOrders() {
        Workload workload = Workload.of(pod("a1"), pod("a2"), pod("a3"), pod("b1"), pod("c1"), pod("c2"));
        assertThat(workload.interleaved().pods()).extracting(SimPod::name)
                .containsExactly("a1", "b1", "c1", "a2", "c2", "a3");
        assertThat(workload.shuffled(5).pods()).extracting(SimPod::name)
                .containsExactlyInAnyOrder("a1", "a2", "a3", "b1", "c1", "c2")
                .containsExactlyElementsOf(workload.shuffled(5).pods().stream().map(SimPod::name).toList());
    }
}
