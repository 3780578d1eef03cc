package io.github.sysched.scheduler.state;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/** Part of the readiness group: UP only after the pod informer's initial list has been applied. */
public class InformerHealthIndicator implements HealthIndicator {

    private final Informers informers;
    private final ClusterState state;

    public InformerHealthIndicator(Informers informers, ClusterState state) {
        this.informers = informers;
        this.state = state;
    }

    @Override
    public Health health() {
        Health.Builder builder = informers.podsSynced() ? Health.up() : Health.outOfService();
        return builder
                .withDetail("podsSynced", informers.podsSynced())
                .withDetail("seccompProfilesSynced", informers.profilesSynced())
                .withDetail("trackedPods", state.trackedPods())
                .withDetail("fallbackPods", state.fallbackPods())
                .build();
    }
}
