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
        assertThat(steps)
                .extracting(PlacementStep::workload)
                .containsExactly("nginx1", "redis1", "nginx2", "memcached1");
        // The figures of the SySched demo, on the nodes the pods were compared on.
        String nginxNode = steps.get(0).node();
        String otherNode = nginxNode.equals("node-a") ? "node-b" : "node-a";
        assertThat(steps.get(1).rawExs()).isEqualTo(Map.of(nginxNode, 26L, otherNode, 0L));
        assertThat(steps.get(2).rawExs()).isEqualTo(Map.of(nginxNode, 0L, otherNode, 26L));
        assertThat(steps.get(3).rawExs()).isEqualTo(Map.of(nginxNode, 66L, otherNode, 47L));
        // The extender's default (marginal) score: the cheapest node 10, the next distinct cost 9; an empty node
        // costs 20, less than redis1's 26 next to nginx1.
        assertThat(steps.get(0).extenderScore()).isEqualTo(Map.of(nginxNode, 10, otherNode, 10));
        assertThat(steps.get(1).extenderScore()).isEqualTo(Map.of(nginxNode, 9, otherNode, 10));
        assertThat(steps.get(2).extenderScore()).isEqualTo(Map.of(nginxNode, 10, otherNode, 9));
        assertThat(steps.get(3).extenderScore()).isEqualTo(Map.of(nginxNode, 9, otherNode, 10));
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
                    .map(p -> examples.relativize(p).toString().replace('\\', '/'))
                    .sorted()
                    .toList();
        }
        String index = new String(
                getClass()
                        .getClassLoader()
                        .getResourceAsStream(DemoManifests.BUILT_IN_INDEX)
                        .readAllBytes(),
                StandardCharsets.UTF_8);
        assertThat(index.lines().filter(l -> !l.isBlank()).sorted().toList()).isEqualTo(onDisk);
        DemoManifests manifests = DemoManifests.builtIn();
        assertThat(manifests.profiles()).hasSize(4);
        assertThat(manifests.bindings()).hasSize(3);
        assertThat(manifests.workloads()).hasSize(4);
    }

    /** Exit status and what went to stdout and stderr. */
    private record Run(int status, String out, String err) {}

    private static Run execute(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
                PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            status = DemoMain.execute(o, e, args);
        }
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aBadOptionOrValueIsNamedAndExitsWith2WithoutRunningTheDemo() {
        for (String[] args : new String[][] {
            {"--bogus"}, {"--seed=x"}, {"--seed", "x"}, {"--nodes=,"}, {"--manifests", "/nonexistent"}, {"--nodes"}
        }) {
            Run run = execute(args);
            assertThat(run.status()).as(String.join(" ", args)).isEqualTo(2);
            assertThat(run.out()).isEmpty();
            String option = args[0].contains("=") ? args[0].substring(0, args[0].indexOf('=')) : args[0];
            assertThat(run.err().lines().findFirst().orElse(""))
                    .as(String.join(" ", args))
                    .contains(option);
        }
        assertThat(execute("--nodes=,").err()).contains("--nodes needs at least one node name");
        assertThat(execute("--manifests=/nonexistent").err()).contains("/nonexistent is not a directory");
    }

    @Test
    void helpAndVersionExitWith0() {
        Run help = execute("--help");
        Run version = execute("--version");

        assertThat(help.status()).isZero();
        assertThat(help.out())
                .contains("Usage: sysched-demo")
                .contains("--manifests=DIR")
                .contains("--nodes=LIST")
                .contains("--seed=N")
                .contains("--quiet")
                .contains("--version");
        assertThat(version.status()).isZero();
        assertThat(version.out()).startsWith("sysched-demo ");
    }

    @Test
    void optionsTakeTheirValueAfterAnEqualsSignOrASpace() {
        DemoOptions options = DemoOptions.parse("--nodes=a, b,,c", "--seed", "7", "--quiet", "--manifests=..");

        assertThat(options.nodes()).containsExactly("a", "b", "c");
        assertThat(options.seed()).isEqualTo(7);
        assertThat(options.quiet()).isTrue();
        assertThat(options.manifests()).isEqualTo(Path.of(".."));
        assertThat(DemoOptions.parse().nodes()).containsExactly("node-a", "node-b");
        assertThat(DemoOptions.parse().manifests()).isNull();
    }

    @Test
    void aManifestsFolderThatDoesNotExistIsRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> DemoManifests.fromDirectory(Path.of("/nonexistent")))
                .hasMessageContaining("does not exist");
    }
}
