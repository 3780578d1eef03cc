package io.github.sysched.simulation;

import io.github.sysched.scoring.ExsEngine;
import io.github.sysched.syscall.SyscallSet;
import io.github.sysched.syscall.SyscallWeights;
import java.util.List;
import java.util.Map;

/**
 * What one placement leaves in the cluster.
 *
 * <p>Definitions, for a node n with pods whose syscall sets are S₁..S_k (union U(n)) and a set V of
 * vulnerable syscalls (the SySched paper's victim metrics: a container is exposed when a co-located container
 * may make a vulnerable syscall that it does not itself need):
 * <ul>
 *   <li>{@code clusterExs}: Σ over nodes of Σᵢ w(U(n) ∖ Sᵢ), i.e. {@link ExsEngine#clusterExs()}.</li>
 *   <li>{@code meanAttackSurface}, {@code maxAttackSurface}: |U(n)| (unweighted) over the <em>occupied</em>
 *       nodes (nodes with at least one pod; an empty node exposes nothing and would only dilute the mean).</li>
 *   <li>{@code victimNodes}: occupied nodes with U(n) ∩ V ≠ ∅: some pod on the node may make a vulnerable
 *       syscall.</li>
 *   <li>{@code victimPods}: placed pods p on a node n with (U(n) ∩ V) ∖ S_p ≠ ∅: some <em>other</em> pod on
 *       the same node may make a vulnerable syscall v that p itself does not allow (v ∈ U(n) and v ∉ S_p
 *       means another pod allows v). A pod whose own set contains every vulnerable syscall present on its
 *       node is not a victim; a pod alone on its node never is.</li>
 * </ul>
 *
 * @param label             the strategy (or any caption)
 * @param pods              pods in the workload
 * @param unscheduled       pods no node could take (all feasible nodes full)
 * @param nodes             nodes in the cluster
 * @param nodesUsed         occupied nodes
 * @param vulnerableCount   |V|
 */
public record PlacementMetrics(String label, int pods, int unscheduled, int nodes, int nodesUsed, long clusterExs,
        double meanAttackSurface, int maxAttackSurface, int vulnerableCount, int victimNodes, int victimPods) {

    public int placed() {
        return pods - unscheduled;
    }

    /**
     * Measures a placement.
     *
     * @param nodeNames   every node of the cluster (occupied or not)
     * @param podsByNode  the pods on each node; nodes missing from the map are empty
     * @param unscheduled pods that were not placed (only counted)
     * @param vulnerable  V
     */
    public static PlacementMetrics measure(String label, List<String> nodeNames, Map<String, List<SimPod>> podsByNode,
            int unscheduled, SyscallSet vulnerable, SyscallWeights weights) {
        ExsEngine engine = new ExsEngine(weights);
        int placed = 0;
        int nodesUsed = 0;
        long surfaceSum = 0;
        int surfaceMax = 0;
        int victimNodes = 0;
        int victimPods = 0;
        for (String node : nodeNames) {
            List<SimPod> pods = podsByNode.getOrDefault(node, List.of());
            if (pods.isEmpty()) {
                continue;
            }
            SyscallSet union = SyscallSet.empty();
            for (SimPod pod : pods) {
                engine.place(pod.name(), node, pod.syscalls());
                union = union.union(pod.syscalls());
            }
            placed += pods.size();
            nodesUsed++;
            surfaceSum += union.cardinality();
            surfaceMax = Math.max(surfaceMax, union.cardinality());
            SyscallSet vulnerableHere = union.intersection(vulnerable);
            if (!vulnerableHere.isEmpty()) {
                victimNodes++;
                for (SimPod pod : pods) {
                    if (!vulnerableHere.difference(pod.syscalls()).isEmpty()) {
                        victimPods++;
                    }
                }
            }
        }
        return new PlacementMetrics(label, placed + unscheduled, unscheduled, nodeNames.size(), nodesUsed,
                engine.clusterExs(), nodesUsed == 0 ? 0 : (double) surfaceSum / nodesUsed, surfaceMax,
                vulnerable.cardinality(), victimNodes, victimPods);
    }
}
