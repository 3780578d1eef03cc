package io.github.sysched.simulation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.sysched.syscall.SyscallSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The repository's example workload (examples/simulation, 48 Confine profiles) stays loadable and meaningful. */
class ExampleWorkloadTest {

    private static final Path DIR = Path.of("..", "examples", "simulation");

    @Test
    void exampleWorkloadLoadsAndExsBeatsSpreadingAndRandom() {
        assumeTrue(Files.isRegularFile(DIR.resolve("workload.txt")), "examples/simulation not next to common/");
        WorkloadFile file = WorkloadLoader.load(DIR.resolve("workload.txt"));
        SyscallSet vulnerable = WorkloadLoader.readSyscallList(DIR.resolve("vulnerable-syscalls.txt"));

        assertThat(file.profiles()).hasSize(48);
        assertThat(file.workload().size()).isEqualTo(234);
        assertThat(file.cluster(1, 1)).isEqualTo(ClusterSpec.of(50, 8));
        assertThat(vulnerable.cardinality()).isEqualTo(20);

        List<SimulationResult> results = new PlacementSimulator(file.cluster(1, 1))
                .runAll(file.workload(), List.of(Strategy.exs(), Strategy.spread(), Strategy.random(1)), vulnerable);
        PlacementMetrics exs = results.get(0).metrics();
        for (SimulationResult other : results.subList(1, 3)) {
            assertThat(exs.clusterExs()).isLessThan(other.metrics().clusterExs());
            assertThat(exs.victimPods()).isLessThan(other.metrics().victimPods());
            assertThat(exs.meanAttackSurface()).isLessThan(other.metrics().meanAttackSurface());
        }
        // As measured when the example was made (BENCHMARKS.md).
        assertThat(exs.clusterExs()).isEqualTo(71);
        assertThat(exs.victimPods()).isEqualTo(2);
    }
}
