package io.github.sysched.simulation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.sysched.syscall.SyscallSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The repository's example workload (examples/simulation, 48 Confine profiles) stays loadable and meaningful, and
 * the figures docs/PLACEMENT.md reports stay true (means over 5 tie-breaking seeds; the docs use 20).
 */
class ExampleWorkloadTest {

    private static final Path DIR = Path.of("..", "examples", "simulation");

    @Test
    void exampleWorkloadLoadsAndTheGuardedMarginalScoreKeepsItsFigures() {
        assumeTrue(Files.isRegularFile(DIR.resolve("workload.txt")), "examples/simulation not next to common/");
        WorkloadFile file = WorkloadLoader.load(DIR.resolve("workload.txt"));
        SyscallSet vulnerable = WorkloadLoader.readSyscallList(DIR.resolve("vulnerable-syscalls.txt"));

        assertThat(file.profiles()).hasSize(48);
        assertThat(file.workload().size()).isEqualTo(234);
        assertThat(file.cluster(1, 1)).isEqualTo(ClusterSpec.of(50, 8));
        assertThat(vulnerable.cardinality()).isEqualTo(20);

        List<StrategyRuns> runs = new PlacementSimulator(file.cluster(1, 1))
                .runAll(
                        file.workload(),
                        List.of(
                                Strategy.spread(),
                                Strategy.exs(),
                                Strategy.parse("marginal+guard"),
                                Strategy.parse("kube+marginal:3+tsc")),
                        vulnerable,
                        5);
        StrategyRuns spread = runs.get(0);
        StrategyRuns exs = runs.get(1);
        double spreadExs = spread.mean(r -> r.metrics().clusterExs());
        // Pure ExS stacks whole workloads on single nodes.
        assertThat(exs.mean(r -> r.metrics().stackedWorkloads())).isGreaterThan(5);
        for (StrategyRuns guarded : runs.subList(2, 4)) {
            assertThat(guarded.max(r -> r.metrics().stackedWorkloads()))
                    .as(guarded.label())
                    .isZero();
            assertThat(guarded.max(r -> r.metrics().replicasOverGuard()))
                    .as(guarded.label())
                    .isZero();
            // about 49 % below spreading (docs/PLACEMENT.md)
            assertThat(guarded.mean(r -> r.metrics().clusterExs()))
                    .as(guarded.label())
                    .isLessThan(0.53 * spreadExs);
            assertThat(guarded.mean(r -> r.metrics().victimPodsPerSyscall()))
                    .as(guarded.label())
                    .isLessThan(0.75 * spread.mean(r -> r.metrics().victimPodsPerSyscall()));
            assertThat(guarded.mean(r -> r.metrics().meanAttackSurface()))
                    .as(guarded.label())
                    .isLessThan(0.9 * spread.mean(r -> r.metrics().meanAttackSurface()));
        }
    }

    @Test
    void weightingTheVulnerableSyscallsCutsVictimsUnderTheGuard() {
        assumeTrue(Files.isRegularFile(DIR.resolve("cve-weights.txt")), "examples/simulation not next to common/");
        WorkloadFile file = WorkloadLoader.load(DIR.resolve("workload.txt"));
        SyscallSet vulnerable = WorkloadLoader.readSyscallList(DIR.resolve("vulnerable-syscalls.txt"));
        io.github.sysched.syscall.SyscallWeights five = WorkloadLoader.readWeights(DIR.resolve("cve-weights.txt"));
        assertThat(five.listed().keySet()).isEqualTo(java.util.Set.copyOf(vulnerable.names()));
        java.util.Map<String, Long> fifty = new java.util.HashMap<>();
        vulnerable.names().forEach(name -> fifty.put(name, 50L));
        List<Strategy> strategies =
                List.of(Strategy.parse("marginal+guard"), Strategy.parse("marginal+guard+weighted"));

        List<StrategyRuns> byFive =
                new PlacementSimulator(file.cluster(1, 1), five).runAll(file.workload(), strategies, vulnerable, 3);
        List<StrategyRuns> byFifty = new PlacementSimulator(
                        file.cluster(1, 1), io.github.sysched.syscall.SyscallWeights.of(1, fifty))
                .runAll(file.workload(), strategies, vulnerable, 3);
        double plainVictims = byFive.get(0).mean(r -> r.metrics().victimPodsPerSyscall());
        double plainExs = byFive.get(0).mean(r -> r.metrics().clusterExs());
        // weight 5: about a quarter fewer victims for about 1 % more plain ExS (docs/PLACEMENT.md)
        assertThat(byFive.get(1).mean(r -> r.metrics().victimPodsPerSyscall())).isLessThan(0.85 * plainVictims);
        assertThat(byFive.get(1).mean(r -> r.metrics().clusterExs())).isLessThan(1.05 * plainExs);
        // weight 50: victims cut by more than half, plain ExS up by about a third
        assertThat(byFifty.get(1).mean(r -> r.metrics().victimPodsPerSyscall())).isLessThan(0.5 * plainVictims);
        assertThat(byFifty.get(1).mean(r -> r.metrics().clusterExs())).isGreaterThan(1.15 * plainExs);
        for (StrategyRuns weighted : List.of(byFive.get(1), byFifty.get(1))) {
            assertThat(weighted.max(r -> r.metrics().stackedWorkloads())).isZero();
        }
    }
}
