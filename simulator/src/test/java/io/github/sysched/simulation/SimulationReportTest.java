package io.github.sysched.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sysched.syscall.SyscallSet;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

class SimulationReportTest {

    private static final SyscallSet V = SyscallSet.of("ptrace");

    /** Two pods of one workload and a stranger, on 2 nodes. */
    private static final Workload WORKLOAD = Workload.of(
            SimPod.replica("a-1", "default/a", "a", SyscallSet.of("read", "ptrace")),
            SimPod.replica("a-2", "default/a", "a", SyscallSet.of("read", "ptrace")),
            SimPod.replica("b-1", "default/b", "b", SyscallSet.of("read")));

    private static List<StrategyRuns> runs(int count) {
        return new PlacementSimulator(ClusterSpec.of(2, 10))
                .runAll(WORKLOAD, List.of(Strategy.exs(), Strategy.parse("marginal+guard")), V, count);
    }

    @Test
    void tableShowsTheMainColumnsOneLinePerStrategy() {
        String table = SimulationReport.table(runs(1));
        List<String> lines = table.lines().toList();
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0))
                .startsWith("strategy        ")
                .contains("cluster_exs")
                .contains("victim_pods_per_syscall")
                .contains("stacked_workloads")
                .contains("replicas_over_guard")
                .doesNotContain("cluster_exs_min");
        assertThat(lines.get(1)).matches("-+( +-+)+");
        assertThat(lines.get(2)).startsWith("exs ");
        assertThat(lines.get(3)).startsWith("marginal+guard ");
    }

    @Test
    void csvHasEveryColumnAndMeansOverRuns() {
        String csv = SimulationReport.csv(runs(4));
        List<String> lines = csv.lines().toList();
        assertThat(lines.get(0)).isEqualTo(String.join(",", SimulationReport.csvColumns()));
        assertThat(SimulationReport.csvColumns())
                .contains(
                        "cluster_exs",
                        "mean_attack_surface",
                        "max_replica_share",
                        "stacked_workloads",
                        "victim_nodes_per_syscall",
                        "victim_pods_per_syscall",
                        "victim_nodes",
                        "victim_pods",
                        "weighted_exs",
                        "tied_pods",
                        "cluster_exs_min",
                        "cluster_exs_max");
        String[] guarded = lines.get(2).split(",");
        List<String> columns = SimulationReport.csvColumns();
        assertThat(guarded[0]).isEqualTo("marginal+guard@1..4");
        assertThat(guarded[columns.indexOf("runs")]).isEqualTo("4.0");
        // The guard keeps a-1 and a-2 apart: never stacked, in every run.
        assertThat(guarded[columns.indexOf("stacked_workloads")]).isEqualTo("0.0");
        assertThat(guarded[columns.indexOf("max_replica_share")]).isEqualTo("0.50");
    }

    @Test
    void csvQuotesFieldsThatNeedIt() {
        String csv = SimulationReport.csv(runs(1));
        assertThat(csv.lines().skip(1)).allSatisfy(line -> assertThat(line).doesNotContain("\""));
        assertThat(SimulationReport.escape("a<b&\"c\">")).isEqualTo("a&lt;b&amp;&quot;c&quot;&gt;");
    }

    @Test
    void svgIsWellFormedWithOneBarPerStrategyAndPanel() throws Exception {
        String svg = SimulationReport.svg(runs(1), "ExS vs guard <2 nodes>");
        Document doc = DocumentBuilderFactory.newInstance()
                .newDocumentBuilder()
                .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));

        assertThat(doc.getDocumentElement().getTagName()).isEqualTo("svg");
        // background + 5 panels × 2 bars + 2 legend swatches
        assertThat(doc.getElementsByTagName("rect").getLength()).isEqualTo(1 + 10 + 2);
        assertThat(doc.getElementsByTagName("g").getLength()).isEqualTo(5);
        assertThat(svg).contains("ExS vs guard &lt;2 nodes&gt;").contains("<title>marginal+guard: ");
    }
}
