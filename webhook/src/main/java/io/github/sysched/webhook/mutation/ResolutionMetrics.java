package io.github.sysched.webhook.mutation;

import io.github.sysched.webhook.admission.AdmissionContext;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

/** {@code sysched.resolutions} counter (tag outcome: the profile origin, or unresolved); dry runs not counted. */
@Component
public class ResolutionMetrics {

    private final MeterRegistry registry;

    public ResolutionMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public void count(AdmissionContext request, String outcome) {
        if (!request.dryRun()) { // dry run: no side effects, not even on the resolution statistics
            Counter.builder("sysched.resolutions").description("Pod syscall-set resolutions by outcome")
                    .tag("outcome", outcome).register(registry).increment();
        }
    }
}
