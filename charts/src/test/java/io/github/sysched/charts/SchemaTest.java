package io.github.sysched.charts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** values.schema.json rejects typos and invalid enum values at render time. */
class SchemaTest {

    private static void rejected(Map<String, Object> sets, String messagePart) {
        assertThatThrownBy(() -> ChartRenderer.template("cert-manager", sets))
                .as("%s should be rejected", sets)
                .hasMessageContaining(messagePart);
    }

    @Test
    void unknownTopLevelKeyIsRejected() {
        rejected(Map.of("webhok.replicas", 3), "webhok");
    }

    @Test
    void unknownNestedKeysAreRejected() {
        rejected(Map.of("webhook.failurePolicy.mutate", "Fail"), "mutate");
        rejected(Map.of("secondScheduler.extender.wieght", 2), "wieght");
        rejected(Map.of("tls.certManager.durationn", "1h"), "durationn");
    }

    @Test
    void invalidEnumsAreRejected() {
        rejected(Map.of("tls.mode", "letsencrypt"), "tls");
        rejected(Map.of("ipp.mode", "strict"), "ipp");
        rejected(Map.of("webhook.failurePolicy.mutating", "Ignored"), "failurePolicy");
        rejected(Map.of("webhook.timeoutSeconds", 31), "timeoutSeconds");
        rejected(Map.of("spo.scope", "global"), "scope");
        rejected(Map.of("scheduler.config.scoring.mode", "exs"), "mode");
        rejected(Map.of("scheduler.config.scoring.openingCost", -1), "openingCost");
        rejected(Map.of("scheduler.config.scoring.plan.steps", 0), "steps");
        rejected(Map.of("scheduler.config.scoring.plan.interval", "1h30m"), "interval");
        rejected(Map.of("scheduler.config.scoring.plan.enabled", "yes"), "enabled");
        // the app parses these with Spring (ms|s|m|h|d): a Go duration like 1h30m would fail at startup
        rejected(Map.of("tls.selfSigned.checkInterval", "1h30m"), "checkInterval");
        rejected(Map.of("tls.selfSigned.caRenewBefore", "P30D"), "caRenewBefore");
    }

    @Test
    void validOverridesRender() {
        String out = ChartRenderer.template(
                "cert-manager", Map.of("ipp.mode", "fast", "webhook.timeoutSeconds", 10, "webhook.replicas", 3));
        assertThat(out).contains("timeoutSeconds: 10").contains("replicas: 3");
    }
}
