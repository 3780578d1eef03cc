package io.github.sysched.scheduler.state;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Part of the readiness group: UP only once the SPO scope is known and the pod informer's initial list has been
 * applied, and while no informer has lost its watch for longer than common's {@code WatchHealth.GRACE};
 * otherwise OUT_OF_SERVICE with the {@code reason} (e.g. the SeccompProfile CRD is missing). The extender
 * keeps answering from its state during a watch loss.
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
        String problem = informers.problem();
        Health.Builder builder = problem.isEmpty() ? Health.up() : Health.outOfService().withDetail("reason", problem);
        return builder
                .withDetail("spoScope", informers.scope().map(Enum::name).orElse("unknown"))
                .withDetail("podsSynced", synced)
                .withDetail("seccompProfilesSynced", informers.profilesSynced())
                .withDetail("trackedPods", state.trackedPods())
                .withDetail("fallbackPods", state.fallbackPods())
                .build();
    }
}
