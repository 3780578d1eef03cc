package io.github.sysched.webhook.cache;

import io.github.sysched.kube.boot.ReadinessContributor;
import io.github.sysched.webhook.mutation.ProfileMutator;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Readiness waits until the resolution path has run once after the caches synced: class loading and JIT of the
 * first request would otherwise eat its deadline.
 */
@Component
public class ResolutionWarmUp implements ReadinessContributor {

    private final ObjectProvider<ProfileMutator> mutator;

    public ResolutionWarmUp(ObjectProvider<ProfileMutator> mutator) {
        this.mutator = mutator;
    }

    @Override
    public void onSynced() {
        mutator.ifAvailable(ProfileMutator::warmUp);
    }
}
