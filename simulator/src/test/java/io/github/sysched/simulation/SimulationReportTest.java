package io.github.sysched.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

class SimulationReportTest {

    private static final List<PlacementMetrics> METRICS = List.of(
            new PlacementMetrics("exs", 10, 0, 4, 3, 12, 100.5, 120, 5, 1, 2),
            new PlacementMetrics("random(seed=1)", 10, 1, 4, 4, 345, 150.25, 200, 5, 4, 7));

    @Test
    void table() {
        assertThat(SimulationReport.table(METRICS)).isEqualTo(""
                + "strategy        pods  placed  unscheduled  nodes  nodes_used  cluster_exs  mean_attack_surface"
                + "  max_attack_surface  vulnerable_syscalls  victim_nodes  victim_pods\n"
                + "--------------  ----  ------  -----------  -----  ----------  -----------  -------------------"
                + "  ------------------  -------------------  ------------  -----------\n"
                + "exs               10      10            0      4           3           12               100.50"
                + "                 120                    5             1            2\n"
                + "random(seed=1)    10       9            1      4           4          345               150.25"
                + "                 200                    5             4            7\n");
    }

    @Test
    void csv() {
        assertThat(SimulationReport.csv(METRICS)).isEqualTo(""
                + "strategy,pods,placed,unscheduled,nodes,nodes_used,cluster_exs,mean_attack_surface,"
                + "max_attack_surface,vulnerable_syscalls,victim_nodes,victim_pods\n"
                + "exs,10,10,0,4,3,12,100.50,120,5,1,2\n"
                + "random(seed=1),10,9,1,4,4,345,150.25,200,5,4,7\n");
        assertThat(SimulationReport.csv(List.of(new PlacementMetrics("a,\"b\"", 0, 0, 1, 0, 0, 0, 0, 0, 0, 0))))
                .endsWith("\n\"a,\"\"b\"\"\",0,0,0,1,0,0,0.00,0,0,0,0\n");
    }

    @Test
    void svgIsWellFormedWithOneBarPerStrategyAndPanel() throws Exception {
        String svg = SimulationReport.svg(METRICS, "ExS vs random <50 nodes>");
        Document doc = DocumentBuilderFactory.newInstance()
                .newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));

        assertThat(doc.getDocumentElement().getTagName()).isEqualTo("svg");
        // background + 5 panels × 2 bars + 2 legend swatches
        assertThat(doc.getElementsByTagName("rect").getLength()).isEqualTo(1 + 10 + 2);
        assertThat(doc.getElementsByTagName("g").getLength()).isEqualTo(5);
        assertThat(svg).contains("ExS vs random &lt;50 nodes&gt;").contains(">345</text>").contains(">150.3</text>")
                .contains("<title>exs: 12</title>");
    }
}
