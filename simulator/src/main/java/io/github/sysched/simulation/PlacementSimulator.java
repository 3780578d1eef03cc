package io.github.sysched.simulation;

import io.github.sysched.scoring.ExsEngine;
import io.github.sysched.scoring.ExsNormalizer;
import io.github.sysched.syscall.SyscallSet;
import io.github.sysched.syscall.SyscallWeights;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * Places a workload pod by pod, in arrival order, on a fixed set of nodes with a per-node pod limit, and
 * measures the result ({@link PlacementMetrics}).
 *
 * <p>For each pod the feasible nodes are those holding fewer than {@link ClusterSpec#podsPerNode()} pods; a
 * pod with no feasible node is recorded as unscheduled and the next pod is placed. The ExS strategy ranks the
 * feasible nodes exactly as the extender does: {@link ExsEngine#rawScores} with the engine's weights, then
 * {@link ExsNormalizer#normalize} over the feasible nodes only, highest score, ties to the lowest index.
 *
 * <p>Pure and deterministic: the same inputs give the same placement.
 */
public final class PlacementSimulator {

    private final ClusterSpec cluster;
    private final SyscallWeights weights;

    public PlacementSimulator(ClusterSpec cluster, SyscallWeights weights) {
        this.cluster = Objects.requireNonNull(cluster, "cluster");
        this.weights = Objects.requireNonNull(weights, "weights");
    }

    public PlacementSimulator(ClusterSpec cluster) {
        this(cluster, SyscallWeights.uniform());
    }

    public ClusterSpec cluster() {
        return cluster;
    }

    /** Each strategy on the same workload, in order. */
    public List<SimulationResult> runAll(Workload workload, List<Strategy> strategies, SyscallSet vulnerable) {
        List<SimulationResult> results = new ArrayList<>(strategies.size());
        for (Strategy strategy : strategies) {
            results.add(run(workload, strategy, vulnerable));
        }
        return results;
    }

    public SimulationResult run(Workload workload, Strategy strategy, SyscallSet vulnerable) {
        List<String> nodes = cluster.nodeNames();
        int n = nodes.size();
        int[] podCount = new int[n];
        ExsEngine engine = new ExsEngine(weights);
        RandomGenerator random = null;
        if (strategy instanceof Strategy.Random r) {
            random = new Random(r.seed());
        } else if (strategy instanceof Strategy.Spread s && s.tieSeed().isPresent()) {
            // Not java.util.Random: its first draws from small consecutive seeds are nearly the same.
            random = new SplittableRandom(s.tieSeed().getAsLong());
        }
        Map<String, String> nodeOfPod = new LinkedHashMap<>();
        List<String> unscheduled = new ArrayList<>();
        int[] feasible = new int[n];
        List<String> feasibleNames = new ArrayList<>(n);

        for (SimPod pod : workload.pods()) {
            int feasibleCount = 0;
            feasibleNames.clear();
            for (int i = 0; i < n; i++) {
                if (podCount[i] < cluster.podsPerNode()) {
                    feasible[feasibleCount++] = i;
                    feasibleNames.add(nodes.get(i));
                }
            }
            if (feasibleCount == 0) {
                unscheduled.add(pod.name());
                continue;
            }
            int chosen;
            if (strategy instanceof Strategy.Exs) {
                int[] scores = ExsNormalizer.normalize(engine.rawScores(feasibleNames, pod.syscalls()));
                int best = 0;
                for (int j = 1; j < feasibleCount; j++) {
                    if (scores[j] > scores[best]) {
                        best = j;
                    }
                }
                chosen = feasible[best];
            } else if (strategy instanceof Strategy.Spread) {
                chosen = fewestPods(feasible, feasibleCount, podCount, random);
            } else {
                chosen = feasible[random.nextInt(feasibleCount)];
            }
            podCount[chosen]++;
            engine.place(pod.name(), nodes.get(chosen), pod.syscalls());
            nodeOfPod.put(pod.name(), nodes.get(chosen));
        }

        Map<String, List<SimPod>> byNode = new LinkedHashMap<>();
        for (SimPod pod : workload.pods()) {
            String node = nodeOfPod.get(pod.name());
            if (node != null) {
                byNode.computeIfAbsent(node, k -> new ArrayList<>()).add(pod);
            }
        }
        PlacementMetrics metrics = PlacementMetrics.measure(strategy.label(), nodes, byNode, unscheduled.size(),
                vulnerable, weights);
        if (metrics.clusterExs() != engine.clusterExs()) {
            throw new IllegalStateException("cluster ExS mismatch: " + metrics.clusterExs() + " vs "
                    + engine.clusterExs());
        }
        return new SimulationResult(strategy, cluster, workload, nodeOfPod, unscheduled, metrics);
    }

    /** The feasible node with the fewest pods; ties to the lowest index, or uniformly at random when seeded. */
    private static int fewestPods(int[] feasible, int feasibleCount, int[] podCount, RandomGenerator tieBreaker) {
        int fewest = Integer.MAX_VALUE;
        int tied = 0;
        int chosen = -1;
        for (int j = 0; j < feasibleCount; j++) {
            int count = podCount[feasible[j]];
            if (count < fewest) {
                fewest = count;
                tied = 1;
                chosen = feasible[j];
            } else if (count == fewest && tieBreaker != null && tieBreaker.nextInt(++tied) == 0) {
                chosen = feasible[j]; // reservoir sampling: each tied node ends up chosen with probability 1/tied
            }
        }
        return chosen;
    }
}
