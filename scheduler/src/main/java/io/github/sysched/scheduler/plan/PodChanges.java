package io.github.sysched.scheduler.plan;

import io.fabric8.kubernetes.api.model.Pod;
import io.github.sysched.kube.ClusterView;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts pod events after the extender's state has counted them (the view tells its listeners in order, the state
 * first), so a plan made after a change here sees the state with that pod.
 */
final class PodChanges implements ClusterView.PodListener {

    private final AtomicLong changes = new AtomicLong();

    @Override
    public void podChanged(Pod pod) {
        changes.incrementAndGet();
    }

    @Override
    public void podDeleted(Pod pod, boolean finalStateUnknown) {
        changes.incrementAndGet();
    }

    long count() {
        return changes.get();
    }
}
