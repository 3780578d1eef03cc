package io.github.sysched.simulation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One strategy's placement of one workload.
 *
 * @param nodeOfPod   pod name → node name, in arrival order (placed pods only)
 * @param unscheduled pods no feasible node could take, in arrival order
 * @param decisions   how the choices were made (ties), in the online placement
 * @param rebalancing what the {@code rebalance} rule did afterwards
 */
public record SimulationResult(
        Strategy strategy,
        ClusterSpec cluster,
        Workload workload,
        Map<String, String> nodeOfPod,
        List<String> unscheduled,
        PlacementMetrics metrics,
        Decisions decisions,
        Rebalancing rebalancing) {

    public SimulationResult {
        nodeOfPod = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(nodeOfPod));
        unscheduled = List.copyOf(unscheduled);
        java.util.Objects.requireNonNull(rebalancing, "rebalancing");
    }

    /** A result without rebalancing. */
    public SimulationResult(
            Strategy strategy,
            ClusterSpec cluster,
            Workload workload,
            Map<String, String> nodeOfPod,
            List<String> unscheduled,
            PlacementMetrics metrics,
            Decisions decisions) {
        this(strategy, cluster, workload, nodeOfPod, unscheduled, metrics, decisions, Rebalancing.NONE);
    }

    /**
     * What the {@code rebalance} rule did, in the strategy's (weighted) ExS.
     *
     * @param evictions      pods evicted (each replacement placed again by the strategy)
     * @param predictedGain  Σ of the gains the planner predicted
     * @param realizedGain   Σ of the cluster ExS each eviction and its replacement's placement actually removed
     * @param offPrediction  replacements that landed on none of the nodes the planner expected
     * @param pending        replacements no node would take (left unscheduled)
     * @param heldBack       workloads whose replacement landed off the prediction and realized less than predicted
     *                       (one shortfall each: such a workload is not evicted again)
     */
    public record Rebalancing(
            int evictions,
            long predictedGain,
            long realizedGain,
            int offPrediction,
            int pending,
            List<String> heldBack) {

        public Rebalancing {
            heldBack = List.copyOf(heldBack);
        }

        /** Evictions that realized less than predicted (the cluster ExS may even have risen). */
        public int shortfalls() {
            return heldBack.size();
        }

        public static final Rebalancing NONE = new Rebalancing(0, 0, 0, 0, 0, List.of());
    }

    /**
     * How often chance decided.
     *
     * @param tiedPods           pods whose best total score was shared by two or more feasible nodes (the seeded
     *                           random tie-break picked among them)
     * @param extenderTopTies    pods for which two or more candidates got the extender's best 0..10 score
     *                           (strategies with an extender score only)
     * @param extenderTopTieSizes for each of those pods, how many candidates shared the extender's best score
     * @param openedBesideIdentical pods placed on an empty node while a candidate node held only pods with the
     *                           pod's own syscall set (a raw ExS of 0 there too)
     */
    public record Decisions(
            int tiedPods, int extenderTopTies, List<Integer> extenderTopTieSizes, int openedBesideIdentical) {

        public Decisions {
            extenderTopTieSizes = List.copyOf(extenderTopTieSizes);
        }

        /** The median of {@link #extenderTopTieSizes} (0 when none). */
        public double medianExtenderTopTie() {
            if (extenderTopTieSizes.isEmpty()) {
                return 0;
            }
            List<Integer> sorted = extenderTopTieSizes.stream().sorted().toList();
            int n = sorted.size();
            return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2.0;
        }
    }

    /** The pods on each node, nodes in cluster order (empty nodes included), pods in arrival order. */
    public Map<String, List<SimPod>> podsByNode() {
        Map<String, List<SimPod>> byNode = new LinkedHashMap<>();
        for (String node : cluster.nodeNames()) {
            byNode.put(node, new ArrayList<>());
        }
        for (SimPod pod : workload.pods()) {
            String node = nodeOfPod.get(pod.name());
            if (node != null) {
                byNode.get(node).add(pod);
            }
        }
        return byNode;
    }
}
