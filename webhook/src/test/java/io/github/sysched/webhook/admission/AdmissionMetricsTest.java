package io.github.sysched.webhook.admission;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class AdmissionMetricsTest {

    /**
     * Found while writing AdmissionPipelineFuzzTest's bounded-metrics invariant: the kind tag was the request body's
     * kind, so every distinct string a client of the webhook port sent registered one more timer (with its
     * histogram) for the life of the process.
     */
    @Test
    void kindsFromTheBodyCannotGrowTheRegistry() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        AdmissionMetrics metrics = new AdmissionMetrics(registry);

        for (int i = 0; i < 1_000; i++) {
            metrics.stop(metrics.start(), "mutate", "Kind" + i, "CREATE", "allowed");
        }
        metrics.stop(metrics.start(), "mutate", "Pod", "CREATE", "allowed");

        assertThat(registry.find("sysched.admission").timers()).hasSize(2);
        assertThat(registry.get("sysched.admission")
                        .tag("kind", "other")
                        .timer()
                        .count())
                .isEqualTo(1_000);
        assertThat(registry.get("sysched.admission").tag("kind", "Pod").timer().count())
                .isEqualTo(1);
    }
}
