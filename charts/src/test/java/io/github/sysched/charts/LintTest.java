package io.github.sysched.charts;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import org.junit.jupiter.api.Test;

class LintTest {

    @Test
    void strictLintOfTheDefaultValuesIsClean() {
        LintResult result = new Helm(ChartRenderer.CHART).lint().strict().call();
        assertThat(result.isFailed())
                .as("helm lint --strict failed: %s", result.getMessages())
                .isFalse();
        assertThat(result.getMessages())
                .as("lint messages")
                .noneMatch(m -> m.contains("[ERROR]") || m.contains("[WARNING]"));
    }
}
