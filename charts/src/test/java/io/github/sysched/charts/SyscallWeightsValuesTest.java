package io.github.sysched.charts;

import static io.github.sysched.charts.AppConfigTest.appConfig;
import static io.github.sysched.charts.AppConfigTest.scheduler;
import static io.github.sysched.charts.ChartRenderer.render;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The extender weighs the CVE-linked syscalls by default (docs/PLACEMENT.md §1, §5), and the operator can undo it. */
class SyscallWeightsValuesTest {

    private static final Path VULNERABLE_SYSCALLS = Path.of("..", "examples", "simulation", "vulnerable-syscalls.txt");

    @Test
    void theDefaultWeighsEveryVulnerableSyscallOfTheSimulatorsListAtFive() throws IOException {
        Map<String, Object> weights = weights(render(null));

        assertThat(weights).containsOnlyKeys(vulnerableSyscalls());
        assertThat(weights.values()).containsOnly(5);
    }

    @Test
    void explicitWeightsOverrideTheVulnerableSyscallsWeightNameByName() {
        Map<String, Object> weights = weights(render("everything"));

        assertThat(weights).containsEntry("bpf", 3).containsEntry("ptrace", 5).containsEntry("mount", 5);
    }

    @Test
    void weightOneRendersUnweightedExs() {
        Map<String, Object> weights = weights(render(null, Map.of("scheduler.config.vulnerableSyscalls.weight", 1)));

        assertThat(weights).isEmpty();
    }

    @Test
    void aWeightBelowOneIsRefused() {
        assertThatThrownBy(() -> ChartRenderer.template(null, Map.of("scheduler.config.vulnerableSyscalls.weight", 0)))
                .hasMessageContaining("vulnerableSyscalls");
    }

    private static Map<String, Object> weights(Rendered rendered) {
        return Rendered.at(appConfig(rendered, scheduler(rendered)), "sysched.scheduler.weights");
    }

    /** The names of examples/simulation/vulnerable-syscalls.txt: first word of each line, comments dropped. */
    private static List<String> vulnerableSyscalls() throws IOException {
        return Files.readAllLines(VULNERABLE_SYSCALLS).stream()
                .map(line -> line.replaceFirst("#.*", "").trim())
                .filter(line -> !line.isEmpty())
                .map(line -> line.split("\\s+")[0])
                .toList();
    }
}
