package io.github.sysched.scheduler.simulate;

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

    private record Run(int exitCode, String out, String err) {
    }

    private static Run simulate(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = SimulateCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** strategy → column → value, from the CSV the command wrote. */
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
        Run run = simulate("--pods", EXAMPLES.resolve("sysched-demo").toString(), "--nodes", "2", "--placement",
                "--strategies", "exs,spread:1", "--csv", dir.resolve("demo.csv").toString(),
                "--svg", dir.resolve("demo.svg").toString());
        System.out.print(run.out());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("exs:\n  node-01: default/nginx1-1 default/nginx2-1\n"
                + "  node-02: default/redis1-1 default/memcached1-1\n");
        Map<String, Map<String, String>> rows = csv(dir.resolve("demo.csv"));
        assertThat(rows.get("exs")).containsEntry("cluster_exs", "47").containsEntry("placed", "4");
        assertThat(Long.parseLong(rows.get("spread(ties seed=1)").get("cluster_exs"))).isGreaterThanOrEqualTo(47);
        assertThat(Files.readString(dir.resolve("demo.svg"))).startsWith("<svg");
    }

    @Test
    void exsExposesLessThanSpreadingAndRandomOnTheExampleWorkload(@TempDir Path dir) throws IOException {
        Path simulation = EXAMPLES.resolve("simulation");
        Run run = simulate("--workload", simulation.resolve("workload.txt").toString(),
                "--vulnerable", simulation.resolve("vulnerable-syscalls.txt").toString(),
                "--strategies", "exs,spread,spread:1,random:1", "--csv", dir.resolve("out.csv").toString());
        System.out.print(run.out());

        assertThat(run.exitCode()).as(run.err()).isZero();
        Map<String, Map<String, String>> rows = csv(dir.resolve("out.csv"));
        long exs = Long.parseLong(rows.get("exs").get("cluster_exs"));
        int exsVictims = Integer.parseInt(rows.get("exs").get("victim_pods"));
        for (String baseline : List.of("spread", "spread(ties seed=1)", "random(seed=1)")) {
            assertThat(exs).as(baseline).isLessThan(Long.parseLong(rows.get(baseline).get("cluster_exs")));
            assertThat(exsVictims).as(baseline).isLessThan(Integer.parseInt(rows.get(baseline).get("victim_pods")));
            assertThat(rows.get(baseline)).containsEntry("placed", "234");
        }
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
        Run run = simulate("--pods", EXAMPLES.resolve("sysched-demo").toString(), "--nodes", nodes.toString(),
                "--placement", "--strategies", "exs");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("on 1 nodes, 3 pods/node")
                .contains("note: node cp: taint node-role.kubernetes.io/control-plane:NoSchedule")
                .contains("  unscheduled: default/memcached1-1");
    }

    @Test
    void helpPrintsTheUsageAndSucceeds() {
        Run help = simulate("--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).startsWith("usage: simulate");
    }

    @Test
    void badInputIsExplainedAndExitsWithTwo(@TempDir Path dir) throws IOException {
        Run unknown = simulate("--workload", "w.txt", "--frobnicate");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("unknown option '--frobnicate'").contains("usage: simulate");

        Run both = simulate("--workload", "w.txt", "--pods", "p.yaml");
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.err()).contains("either --workload FILE or --pods PATH");

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

        Run badStrategy = simulate("--pods", EXAMPLES.resolve("sysched-demo").toString(), "--nodes", "2",
                "--strategies", "binpack");
        assertThat(badStrategy.exitCode()).isEqualTo(2);
        assertThat(badStrategy.err()).contains("unknown strategy 'binpack'");
    }
}
