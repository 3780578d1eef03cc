package io.github.sysched.scheduler.rebalance;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The rebalancer's meters (Prometheus names {@code sysched_rebalancer_*}): {@code sysched.rebalancer.evictions}
 * (counter, tag {@code result}: {@code evicted}, {@code refused_pdb}, {@code dry_run}, {@code failed}),
 * {@code sysched.rebalancer.gain.predicted} (the planner's gain of each eviction made or, in dry run, decided, in
 * weighted syscalls), {@code sysched.rebalancer.gain.realized} (a gauge: the sum of what the replacements realized,
 * which falls when one makes the cluster's ExS worse; a summary would drop negative gains),
 * {@code sysched.rebalancer.replacements} (tag {@code landing}: {@code predicted}, {@code off_prediction},
 * {@code missing}) and {@code sysched.rebalancer.held.back} (workloads held back now).
 */
public final class RebalancerMetrics {

    /** The result of a decision, as the {@code result} tag spells it. */
    public enum Result {
        EVICTED,
        REFUSED_PDB,
        DRY_RUN,
        FAILED;

        String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final MeterRegistry registry;
    private final Map<Result, Counter> evictions = new EnumMap<>(Result.class);
    private final DistributionSummary predicted;
    // held here: Micrometer keeps only a weak reference to a gauge's state
    private final AtomicLong realized = new AtomicLong();
    private final AtomicInteger heldBack = new AtomicInteger();
    private final Counter onPrediction;
    private final Counter offPrediction;
    private final Counter missing;

    public RebalancerMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (Result result : Result.values()) {
            evictions.put(
                    result,
                    Counter.builder("sysched.rebalancer.evictions")
                            .description("Rebalancer decisions to evict a pod, by result")
                            .tag("result", result.tag())
                            .register(registry));
        }
        predicted = DistributionSummary.builder("sysched.rebalancer.gain.predicted")
                .description("Cluster ExS the planner predicted an eviction lowers (evicted or dry run)")
                .baseUnit("syscalls")
                .register(registry);
        Gauge.builder("sysched.rebalancer.gain.realized", realized, AtomicLong::get)
                .description("Sum of the cluster ExS the evictions lowered, once their replacements were counted")
                .baseUnit("syscalls")
                .register(registry);
        Gauge.builder("sysched.rebalancer.held.back", heldBack, AtomicInteger::get)
                .description("Workloads the rebalancer leaves alone after a replacement went astray")
                .register(registry);
        onPrediction = replacements("predicted");
        offPrediction = replacements("off_prediction");
        missing = replacements("missing");
    }

    private Counter replacements(String landing) {
        return Counter.builder("sysched.rebalancer.replacements")
                .description("Replacements of evicted pods, by where they landed against the prediction")
                .tag("landing", landing)
                .register(registry);
    }

    void decided(Result result, long predictedGain) {
        evictions.get(result).increment();
        if (result == Result.EVICTED || result == Result.DRY_RUN) {
            predicted.record(predictedGain);
        }
    }

    void replaced(boolean asPredicted, long realizedGain) {
        (asPredicted ? onPrediction : offPrediction).increment();
        realized.addAndGet(realizedGain);
    }

    void replacementMissing() {
        missing.increment();
    }

    void heldBack(int workloads) {
        heldBack.set(workloads);
    }
}
