package io.github.sysched.webhook.admission;

import io.github.sysched.spo.SpoApi;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Set;
import org.springframework.stereotype.Component;

/** {@code sysched.admission} timer (tags endpoint, kind, operation, outcome). */
@Component
public class AdmissionMetrics {

    /**
     * The kinds the webhook configurations send (and {@code unknown}, for bodies that are not reviews). Any other
     * kind is tagged {@code other}: the kind comes from the request body, and one timer per distinct string would
     * let any client of the port grow the registry and the scrape without bound.
     */
    static final Set<String> KINDS = Set.of("Pod", SpoApi.PROFILE_BINDING_KIND, SpoApi.SECCOMP_PROFILE_KIND, "unknown");

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
                .tag("kind", KINDS.contains(kind) ? kind : "other")
                .tag("operation", operation)
                .tag("outcome", outcome)
                .publishPercentileHistogram()
                .register(registry));
    }
}
