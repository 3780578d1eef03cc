package io.github.sysched.simulation;

import io.github.sysched.syscall.SyscallSet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * How far each online strategy lands from the exact optimum ({@link ExactPlacement}) on small instances drawn from a
 * workload's profiles: each instance takes 3 to 5 of the profiles at random, 1 to 4 replicas each (at most
 * {@value ExactPlacement#MAX_PODS} pods, at least 6), in a random arrival order, on 3 or 4 nodes of 4 pods. A strategy
 * is compared with the optimum under its own constraints: with the guard when it applies a guard rule (guard, tsc),
 * without otherwise. Instances are reproducible from their index.
 *
 * <p>The optimum places every pod; a run that leaves a pod unscheduled (the guard can strand a late replica when nodes
 * fill up) has fewer pods to expose and would look better than the optimum. Such runs are counted in
 * {@link Row#incompleteRuns()} and left out of the sums, and an instance with no complete run is left out for that
 * strategy.
 */
public final class OptimalityGap {

    private OptimalityGap() {}

    /**
     * Per strategy: Σ its cluster ExS (mean over its complete runs) and Σ the optimum over the instances it completed
     * at least once, how many instances it solved optimally (every complete run), its largest excess on one
     * instance, and how many runs left a pod unscheduled (out of instances × runs).
     */
    public record Row(String strategy, double exs, long optimum, int optimal, double worstExcess, int incompleteRuns) {

        /** Σ strategy / Σ optimum − 1 (0 when the optimum is 0 everywhere and so is the strategy). */
        public double gap() {
            return optimum == 0 ? (exs == 0 ? 0 : Double.POSITIVE_INFINITY) : exs / optimum - 1;
        }
    }

    public record Report(int instances, int runs, List<Row> rows) {

        public String table() {
            StringBuilder out = new StringBuilder(String.format(
                    Locale.ROOT,
                    "%d instances of 6..12 pods (3..5 profiles, 1..4 replicas each) on 3..4 nodes of 4 pods; %d run(s)"
                            + " per strategy%n%n",
                    instances,
                    runs));
            out.append(String.format(
                    Locale.ROOT,
                    "%-28s %12s %12s %8s %10s %14s %16s%n",
                    "strategy",
                    "sum_exs",
                    "sum_optimum",
                    "gap",
                    "optimal",
                    "worst_excess",
                    "incomplete_runs"));
            for (Row row : rows) {
                out.append(String.format(
                        Locale.ROOT,
                        "%-28s %12.1f %12d %7.1f%% %5d/%-4d %14.1f %16d%n",
                        row.strategy,
                        row.exs,
                        row.optimum,
                        100 * row.gap(),
                        row.optimal,
                        instances,
                        row.worstExcess,
                        row.incompleteRuns));
            }
            return out.toString();
        }
    }

    public static Report study(
            Map<String, SyscallSet> profiles,
            List<Strategy> strategies,
            PlacementSimulator.Settings settings,
            int instances,
            int runs) {
        if (profiles.size() < 3) {
            throw new IllegalArgumentException(
                    "small instances need at least 3 distinct profiles, got " + profiles.size());
        }
        List<String> names = new ArrayList<>(profiles.keySet());
        double[] exs = new double[strategies.size()];
        long[] optimum = new long[strategies.size()];
        int[] optimal = new int[strategies.size()];
        double[] worst = new double[strategies.size()];
        int[] incomplete = new int[strategies.size()];
        for (int i = 0; i < instances; i++) {
            SplittableRandom random = new SplittableRandom(1_000_003L * (i + 1));
            Workload workload = instance(names, profiles, random);
            ClusterSpec cluster = ClusterSpec.of(3 + random.nextInt(2), 4);
            long guardedOptimum = ExactPlacement.minimize(
                            workload.pods(),
                            cluster,
                            true,
                            settings.guard(),
                            io.github.sysched.syscall.SyscallWeights.uniform())
                    .clusterExs();
            long freeOptimum = ExactPlacement.minimize(
                            workload.pods(),
                            cluster,
                            false,
                            settings.guard(),
                            io.github.sysched.syscall.SyscallWeights.uniform())
                    .clusterExs();
            PlacementSimulator simulator = new PlacementSimulator(cluster, settings);
            List<StrategyRuns> all = simulator.runAll(workload, strategies, SyscallSet.empty(), runs);
            for (int s = 0; s < strategies.size(); s++) {
                Strategy strategy = strategies.get(s);
                boolean guarded = strategy.has(Strategy.Rule.GUARD) || strategy.has(Strategy.Rule.SPREAD_HARD);
                long opt = guarded ? guardedOptimum : freeOptimum;
                List<SimulationResult> complete = all.get(s).runs().stream()
                        .filter(r -> r.metrics().unscheduled() == 0)
                        .toList();
                incomplete[s] += runs - complete.size();
                if (complete.isEmpty()) {
                    continue;
                }
                double mean = complete.stream()
                        .mapToLong(r -> r.metrics().clusterExs())
                        .average()
                        .orElseThrow();
                exs[s] += mean;
                optimum[s] += opt;
                if (complete.stream().allMatch(r -> r.metrics().clusterExs() == opt)) {
                    optimal[s]++;
                }
                worst[s] = Math.max(worst[s], mean - opt);
            }
        }
        List<Row> rows = new ArrayList<>();
        for (int s = 0; s < strategies.size(); s++) {
            rows.add(new Row(
                    strategies.get(s).labelWithoutSeed(), exs[s], optimum[s], optimal[s], worst[s], incomplete[s]));
        }
        return new Report(instances, runs, rows);
    }

    private static Workload instance(List<String> names, Map<String, SyscallSet> profiles, SplittableRandom random) {
        while (true) {
            List<String> shuffled = new ArrayList<>(names);
            Collections.shuffle(shuffled, new java.util.Random(random.nextLong()));
            int images = 3 + random.nextInt(3);
            List<SimPod> pods = new ArrayList<>();
            for (String image : shuffled.subList(0, images)) {
                int replicas = 1 + random.nextInt(4);
                for (int r = 1; r <= replicas; r++) {
                    pods.add(SimPod.replica(image + "-" + r, "default/" + image, image, profiles.get(image)));
                }
            }
            if (pods.size() >= 6 && pods.size() <= ExactPlacement.MAX_PODS) {
                Collections.shuffle(pods, new java.util.Random(random.nextLong()));
                return new Workload(pods);
            }
        }
    }
}
