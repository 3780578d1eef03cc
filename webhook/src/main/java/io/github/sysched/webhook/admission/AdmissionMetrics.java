package io.github.sysched.webhook.admission;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.springframework.stereotype.Component;

/** {@code sysched.admission} timer (tags endpoint, kind, operation, outcome). */
@Component
public class AdmissionMetrics {

    private final MeterRegistry registry;

    public AdmissionMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public Timer.Sample start() {
        return Timer.start(registry);
    }

    /** outcome: allowed, patched, denied, error, timeout, bad-request. */
    public void stop(Timer.Sample sample, String endpoint, String kind, String operation, String outcome) {
        sample.stop(Timer.builder("sysched.admission")
                .description("Admission requests by endpoint, kind, operation and outcome")
                .tag("endpoint", endpoint)
                .tag("kind", kind)
                .tag("operation", operation)
                .tag("outcome", outcome)
                .publishPercentileHistogram()
                .register(registry));
    }
}
