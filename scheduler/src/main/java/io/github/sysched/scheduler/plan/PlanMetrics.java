package io.github.sysched.scheduler.plan;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The plan's meters (Prometheus names {@code sysched_plan_*}): {@code sysched.plan.plans} (plans made),
 * {@code sysched.plan.duration} (the last plan's duration), {@code sysched.plan.pods} (the coming pods the last plan
 * placed) and {@code sysched.plan.followed} ({@code /prioritize} answers that lifted a planned node).
 */
public final class PlanMetrics {

    private final Counter plans;
    private final Counter followed;
    // held here: Micrometer keeps only a weak reference to a gauge's state
    private final AtomicLong lastNanos = new AtomicLong();
    private final AtomicLong plannedPods = new AtomicLong();

    public PlanMetrics(MeterRegistry registry) {
        plans = Counter.builder("sysched.plan.plans")
                .description("Plans of the known demand made")
                .register(registry);
        followed = Counter.builder("sysched.plan.followed")
                .description("Prioritize answers that followed the plan (lifted a planned node)")
                .register(registry);
        TimeGauge.builder("sysched.plan.duration", lastNanos, TimeUnit.NANOSECONDS, AtomicLong::get)
                .description("How long the last plan took")
                .register(registry);
        Gauge.builder("sysched.plan.pods", plannedPods, AtomicLong::get)
                .description("Coming pods the last plan placed")
                .register(registry);
    }

    void planned(int pods, long nanos) {
        plans.increment();
        plannedPods.set(pods);
        lastNanos.set(nanos);
    }

    void followed() {
        followed.increment();
    }
}
