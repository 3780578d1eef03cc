package io.github.sysched.scheduler.state;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Part of the readiness group: UP only once the SPO scope is known and the pod informer's initial list has been
 * applied; until then OUT_OF_SERVICE with the {@code reason} (e.g. the SeccompProfile CRD is missing).
 */
public class InformerHealthIndicator implements HealthIndicator {

    private final Informers informers;
    private final ClusterState state;

    public InformerHealthIndicator(Informers informers, ClusterState state) {
        this.informers = informers;
        this.state = state;
    }

    @Override
    public Health health() {
        boolean synced = informers.podsSynced();
        Health.Builder builder = synced ? Health.up() : Health.outOfService().withDetail("reason", informers.problem());
        return builder
                .withDetail("spoScope", informers.scope().map(Enum::name).orElse("unknown"))
                .withDetail("podsSynced", synced)
                .withDetail("seccompProfilesSynced", informers.profilesSynced())
                .withDetail("trackedPods", state.trackedPods())
                .withDetail("fallbackPods", state.fallbackPods())
                .build();
    }
}
