package io.github.sysched.simulation;

import java.util.List;
import java.util.Objects;
import java.util.function.ToDoubleFunction;

/**
 * One strategy run with one or more tie-breaking seeds on the same workload: the figures a report shows are the means
 * over the runs (a real kube-scheduler breaks ties at random too, so one run is one sample).
 *
 * @param strategy the strategy with its first seed
 * @param runs     the runs, seeds {@code seed, seed + 1, …}
 */
public record StrategyRuns(Strategy strategy, List<SimulationResult> runs) {

    public StrategyRuns {
        Objects.requireNonNull(strategy, "strategy");
        runs = List.copyOf(runs);
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("no runs");
        }
    }

    /** The strategy's label, and with several runs their count and seeds. */
    public String label() {
        if (runs.size() == 1) {
            return strategy.label();
        }
        long first = strategy.seed();
        return strategy.labelWithoutSeed() + "@" + first + ".." + (first + runs.size() - 1);
    }

    public int count() {
        return runs.size();
    }

    public double mean(ToDoubleFunction<SimulationResult> value) {
        return runs.stream().mapToDouble(value).average().orElse(0);
    }

    public double min(ToDoubleFunction<SimulationResult> value) {
        return runs.stream().mapToDouble(value).min().orElse(0);
    }

    public double max(ToDoubleFunction<SimulationResult> value) {
        return runs.stream().mapToDouble(value).max().orElse(0);
    }

    public SimulationResult first() {
        return runs.get(0);
    }
}
