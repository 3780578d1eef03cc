package io.github.sysched.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The README's main job, run as a test: the seed demo placement through the real services. */
class DemoMainTest {

    @Test
    void reproducesTheSeedDemoPlacementThroughWebhookAndExtender() throws Exception {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        DemoMain.DemoResult result;
        try (PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
            result = DemoMain.run(DemoOptions.parse(), out);
        }
        String printed = buffer.toString(StandardCharsets.UTF_8);
        System.out.println(printed);

        assertThat(result.seedPlacementHolds()).contains(true);
        List<PlacementStep> steps = result.exs().steps();
        assertThat(steps).extracting(PlacementStep::workload).containsExactly("nginx1", "redis1", "nginx2", "memcached1");
        // The figures of the SySched demo, on the nodes the pods were compared on.
        String nginxNode = steps.get(0).node();
        String otherNode = nginxNode.equals("node-a") ? "node-b" : "node-a";
        assertThat(steps.get(1).rawExs()).isEqualTo(Map.of(nginxNode, 26L, otherNode, 0L));
        assertThat(steps.get(2).rawExs()).isEqualTo(Map.of(nginxNode, 0L, otherNode, 26L));
        assertThat(steps.get(3).rawExs()).isEqualTo(Map.of(nginxNode, 66L, otherNode, 47L));
        assertThat(steps.get(1).extenderScore()).isEqualTo(Map.of(nginxNode, 0, otherNode, 10));
        assertThat(steps).allSatisfy(s -> assertThat(s.syscalls().isEmpty()).isFalse());
        assertThat(steps.get(3).clusterExs()).isEqualTo(47);
        // Spreading with random ties puts nginx2 next to redis1 half the time: more exposure on average, never less.
        assertThat(result.spreadingOverSeeds().getMin()).isEqualTo(47);
        assertThat(result.spreadingOverSeeds().getAverage()).isGreaterThan(47);
        assertThat(printed).contains("seed demo placement reproduced");
    }

    @Test
    void builtInManifestsAreExactlyTheExamplesFolder() throws Exception {
        Path examples = Path.of("..", "examples", "sysched-demo");
        List<String> onDisk;
        try (Stream<Path> files = Files.walk(examples)) {
            onDisk = files.filter(p -> p.toString().endsWith(".yaml"))
                    .map(p -> examples.relativize(p).toString().replace('\\', '/')).sorted().toList();
        }
        String index = new String(getClass().getClassLoader().getResourceAsStream(DemoManifests.BUILT_IN_INDEX)
                .readAllBytes(), StandardCharsets.UTF_8);
        assertThat(index.lines().filter(l -> !l.isBlank()).sorted().toList()).isEqualTo(onDisk);
        DemoManifests manifests = DemoManifests.builtIn();
        assertThat(manifests.profiles()).hasSize(4);
        assertThat(manifests.bindings()).hasSize(3);
        assertThat(manifests.workloads()).hasSize(4);
    }

    @Test
    void rejectsUnknownFlagsAndEmptyNodeLists() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> DemoOptions.parse("--bogus"))
                .hasMessageContaining("unknown flag");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> DemoOptions.parse("--nodes", ","))
                .hasMessageContaining("at least one node");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> DemoManifests.fromDirectory(Path.of("/nonexistent")))
                .hasMessageContaining("does not exist");
    }
}
