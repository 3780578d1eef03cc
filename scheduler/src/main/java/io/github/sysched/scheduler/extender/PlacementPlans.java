package io.github.sysched.scheduler.extender;

import io.github.sysched.pod.ScoringPod;
import java.util.Set;

/**
 * Where a plan of the known demand wants a pod ({@code sysched.scheduler.scoring.plan}, docs/PLANNING.md): read on the
 * request path, so a lookup in a published snapshot, never a computation.
 */
public interface PlacementPlans {

    /** No plan: {@code /prioritize} answers the plain score. */
    PlacementPlans NONE = pod -> Set.of();

    /** The nodes the current plan holds for {@code pod}'s workload (empty when it plans none). */
    Set<String> plannedNodes(ScoringPod pod);

    /** A {@code /prioritize} answer followed the plan (lifted at least one candidate). */
    default void followed() {}
}
