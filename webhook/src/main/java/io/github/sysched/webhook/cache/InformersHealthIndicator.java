package io.github.sysched.webhook.cache;

import io.github.sysched.webhook.mutation.ProfileMutator;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * {@code informers} health: UP once the informer caches have synced and the resolution path has run once
 * (class loading and JIT of the first request would otherwise eat the request deadline), OUT_OF_SERVICE again
 * while an informer has lost its watch for longer than {@link io.github.sysched.informer.WatchHealth#GRACE} (API server
 * unreachable, failing or too slow to relist) and UP once it watches again. Readiness group. Requests are still
 * answered from the last state seen meanwhile.
 */
@Component("informers")
public class InformersHealthIndicator implements HealthIndicator {

    private final ClusterCache cache;
    private final ObjectProvider<ProfileMutator> warmUp;
    private volatile boolean warm;

    public InformersHealthIndicator(ClusterCache cache, ObjectProvider<ProfileMutator> warmUp) {
        this.cache = cache;
        this.warmUp = warmUp;
    }

    @Override
    public Health health() {
        if (cache.synced() && !warm) {
            synchronized (this) {
                if (!warm) {
                    warmUp.ifAvailable(ProfileMutator::warmUp);
                    warm = true;
                }
            }
        }
        String problem = cache.problem();
        if (problem.isEmpty()) {
            return Health.up().withDetail("spoScope", String.valueOf(cache.scope()))
                    .withDetail("spoVersion", cache.version().seccompProfileVersion()).build();
        }
        return Health.outOfService().withDetail("reason", problem).build();
    }
}
