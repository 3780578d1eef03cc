package io.github.sysched.simulation.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code simulate} command of the scheduler jar, on the repository's examples. */
class SimulateCommandTest {

    private static final Path EXAMPLES = Path.of("..", "examples");

    private record Run(int exitCode, String out, String err) {}

    private static Run simulate(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = SimulateCommand.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** strategy → column → value, from the CSV the command wrote (strategy labels hold no commas). */
    private static Map<String, Map<String, String>> csv(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        String[] header = lines.get(0).split(",");
        Map<String, Map<String, String>> rows = new LinkedHashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",");
            Map<String, String> row = new LinkedHashMap<>();
            for (int i = 0; i < header.length; i++) {
                row.put(header[i], cells[i]);
            }
            rows.put(cells[0], row);
        }
        return rows;
    }

    @Test
    void reproducesTheSeedDemoFromItsManifests(@TempDir Path dir) throws IOException {
        Run run = simulate(
                "--pods",
                EXAMPLES.resolve("sysched-demo").toString(),
                "--nodes=2",
                "--placement",
                "--strategies",
                "exs,marginal+guard,spread",
                "--csv",
                dir.resolve("demo.csv").toString(),
                "--svg",
                dir.resolve("demo.svg").toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out())
                .containsPattern(
                        "exs:\n  node-0[12]: default/(nginx1-1 default/nginx2-1|redis1-1 "
                                + "default/memcached1-1)\n  node-0[12]: default/(nginx1-1 default/nginx2-1|redis1-1 default/memcached1-1)\n");
        Map<String, Map<String, String>> rows = csv(dir.resolve("demo.csv"));
        assertThat(rows.get("exs")).containsEntry("cluster_exs", "47").containsEntry("placed", "4");
        assertThat(rows.get("marginal+guard")).containsEntry("cluster_exs", "47");
        assertThat(Long.parseLong(rows.get("spread").get("cluster_exs"))).isGreaterThanOrEqualTo(47);
        assertThat(Files.readString(dir.resolve("demo.svg"))).startsWith("<svg");
    }

    @Test
    void theGuardedStrategiesExposeLessThanSpreadingWithoutStackingOnTheExampleWorkload(@TempDir Path dir)
            throws IOException {
        Path simulation = EXAMPLES.resolve("simulation");
        Run run = simulate(
                "--workload",
                simulation.resolve("workload.txt").toString(),
                "--vulnerable",
                simulation.resolve("vulnerable-syscalls.txt").toString(),
                "--weights",
                simulation.resolve("cve-weights.txt").toString(),
                "--strategies",
                "spread,kube,exs,marginal+guard,kube+marginal:3+tsc,marginal+guard+weighted",
                "--runs",
                "2",
                "--csv",
                dir.resolve("out.csv").toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("234 pods (48 images) on 50 nodes, 8 pods/node, |V| = 20, means over 2");
        Map<String, Map<String, String>> rows = csv(dir.resolve("out.csv"));
        assertThat(rows.keySet())
                .containsExactly(
                        "spread@1..2",
                        "kube@1..2",
                        "exs@1..2",
                        "marginal+guard@1..2",
                        "kube+marginal:3+tsc@1..2",
                        "marginal+guard+weighted@1..2");
        double spread = Double.parseDouble(rows.get("spread@1..2").get("cluster_exs"));
        assertThat(Double.parseDouble(rows.get("exs@1..2").get("stacked_workloads")))
                .isPositive();
        for (String guarded :
                List.of("marginal+guard@1..2", "kube+marginal:3+tsc@1..2", "marginal+guard+weighted@1..2")) {
            Map<String, String> row = rows.get(guarded);
            assertThat(row)
                    .containsEntry("stacked_workloads", "0.0")
                    .containsEntry("replicas_over_guard", "0.0")
                    .containsEntry("placed", "234.0");
            assertThat(Double.parseDouble(row.get("cluster_exs"))).as(guarded).isLessThan(0.75 * spread);
        }
        // the weighted strategy trades plain ExS for CVE-weighted exposure
        assertThat(Double.parseDouble(rows.get("marginal+guard+weighted@1..2").get("weighted_exs")))
                .isLessThan(Double.parseDouble(rows.get("marginal+guard@1..2").get("weighted_exs")));
    }

    @Test
    void nodesFromKubectlLeaveOutTaintedNodesAndCapPodsAtAllocatable(@TempDir Path dir) throws IOException {
        Path nodes = dir.resolve("nodes.json");
        Files.writeString(nodes, """
                {"apiVersion": "v1", "kind": "List", "items": [
                  {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "cp"},
                   "spec": {"taints": [{"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}]}},
                  {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "worker"},
                   "status": {"allocatable": {"pods": "3"}}}
                ]}
                """);
        Run run = simulate(
                "--pods",
                EXAMPLES.resolve("sysched-demo").toString(),
                "--nodes",
                nodes.toString(),
                "--placement",
                "--strategies",
                "exs");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out())
                .contains("on 1 nodes, 3 pods/node")
                .contains("note: node cp: taint node-role.kubernetes.io/control-plane:NoSchedule")
                .contains("  unscheduled: default/memcached1-1");
    }

    @Test
    void smallInstancesReportTheGapToTheExactOptimum() {
        Run run = simulate(
                "--workload",
                EXAMPLES.resolve("simulation").resolve("workload.txt").toString(),
                "--small-instances",
                "3",
                "--strategies",
                "marginal+guard,spread");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out())
                .contains("3 instances of 6..12 pods")
                .contains("marginal+guard")
                .contains("sum_optimum");
    }

    @Test
    void theAnnealRuleRunsFromTheCommandLineAndItsStepsMustBeANonNegativeCount() {
        String workload = EXAMPLES.resolve("simulation").resolve("workload.txt").toString();
        Run run = simulate(
                "--workload",
                workload,
                "--strategies",
                "marginal+guard,marginal+guard+anneal",
                "--anneal-steps",
                "20000");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("marginal+guard+anneal");

        Run negative =
                simulate("--workload", workload, "--strategies", "marginal+guard+anneal", "--anneal-steps", "-1");
        assertThat(negative.exitCode()).isEqualTo(2);
        assertThat(negative.err()).contains("--anneal-steps cannot be negative");
    }

    @Test
    void theRebalanceRuleRunsFromTheCommandLineAndReportsItsEvictions() {
        String workload = EXAMPLES.resolve("simulation").resolve("workload.txt").toString();
        Run run = simulate(
                "--workload",
                workload,
                "--strategies",
                "marginal+guard,marginal+guard+rebalance:5",
                "--rebalance-min-gain",
                "1");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("marginal+guard+rebalance:5").contains("evictions");
        String rebalanced = run.out()
                .lines()
                .filter(l -> l.startsWith("marginal+guard+rebalance:5"))
                .findFirst()
                .orElseThrow();
        assertThat(rebalanced.trim()).as("five evictions used").endsWith(" 5");

        Run zero = simulate(
                "--workload", workload, "--strategies", "marginal+guard+rebalance", "--rebalance-min-gain", "0");
        assertThat(zero.exitCode()).isEqualTo(2);
        assertThat(zero.err()).contains("--rebalance-min-gain must be at least 1");
    }

    @Test
    void helpAndVersionSucceed() {
        Run help = simulate("--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out())
                .startsWith("Usage: simulate")
                .contains("--strategies=STRATEGY")
                .contains("--weights=FILE")
                .contains("--anneal-steps=N")
                .contains("--rebalance-min-gain=N")
                .contains("kube+exs:W");
        Run version = simulate("--version");
        assertThat(version.exitCode()).isZero();
        assertThat(version.out()).startsWith("simulate ").containsAnyOf("development build", "0.");
    }

    @Test
    void badInputIsExplainedWithTheOptionsNameAndExitsWithTwo(@TempDir Path dir) throws IOException {
        Run unknown = simulate("--workload", "w.txt", "--frobnicate");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("Unknown option: '--frobnicate'").contains("simulate --help");

        Run both = simulate("--workload", "w.txt", "--pods", "p.yaml");
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.err()).contains("either --workload FILE or --pods PATH");

        Run notANumber = simulate("--pods", "p.yaml", "--runs=many");
        assertThat(notANumber.exitCode()).isEqualTo(2);
        assertThat(notANumber.err()).contains("--runs").contains("many");

        Run missingValue = simulate("--pods", "p.yaml", "--csv");
        assertThat(missingValue.exitCode()).isEqualTo(2);
        assertThat(missingValue.err()).contains("--csv");

        Run missing = simulate("--pods", dir.resolve("nowhere").toString(), "--nodes", "2");
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("nowhere").contains("does not exist");

        Path garbage = Files.writeString(dir.resolve("garbage.yaml"), "kind: [\n");
        Run unparsable = simulate("--pods", garbage.toString(), "--nodes", "2");
        assertThat(unparsable.exitCode()).isEqualTo(2);
        assertThat(unparsable.err()).contains("garbage.yaml");

        Run noNodes = simulate("--pods", EXAMPLES.resolve("sysched-demo").toString());
        assertThat(noNodes.exitCode()).isEqualTo(2);
        assertThat(noNodes.err()).contains("no nodes");

        Run badStrategy = simulate(
                "--pods",
                EXAMPLES.resolve("sysched-demo").toString(),
                "--nodes",
                "2",
                "--strategies",
                "spread,binpack");
        assertThat(badStrategy.exitCode()).isEqualTo(2);
        assertThat(badStrategy.err()).contains("--strategies").contains("unknown strategy 'binpack'");

        Run weightedWithoutWeights = simulate(
                "--pods",
                EXAMPLES.resolve("sysched-demo").toString(),
                "--nodes",
                "2",
                "--strategies",
                "marginal+weighted");
        assertThat(weightedWithoutWeights.exitCode()).isEqualTo(2);
        assertThat(weightedWithoutWeights.err()).contains("--weights");

        Run badQuantity =
                simulate("--pods", EXAMPLES.resolve("sysched-demo").toString(), "--nodes", "2", "--node-cpu", "lots");
        assertThat(badQuantity.exitCode()).isEqualTo(2);
        assertThat(badQuantity.err()).contains("--node-cpu").contains("lots");

        Run zeroRuns = simulate("--pods", EXAMPLES.resolve("sysched-demo").toString(), "--nodes", "2", "--runs", "0");
        assertThat(zeroRuns.exitCode()).isEqualTo(2);
        assertThat(zeroRuns.err()).contains("--runs");
    }
}
