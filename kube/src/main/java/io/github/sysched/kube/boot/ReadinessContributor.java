package io.github.sysched.kube.boot;

import java.util.Map;

/** A service's part in the {@code informers} readiness ({@link InformersHealthIndicator}); beans of this type. */
public interface ReadinessContributor {

    /**
     * Runs once, the first time readiness finds the view synced, before it reports UP (e.g. a warm-up of the
     * request path, so that class loading and JIT do not eat the first request's deadline).
     */
    default void onSynced() {}

    /** Details added to every health answer (e.g. how many pods the state counts). */
    default Map<String, Object> details() {
        return Map.of();
    }
}
