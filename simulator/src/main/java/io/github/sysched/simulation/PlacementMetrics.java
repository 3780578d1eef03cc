package io.github.sysched.simulation;

import io.github.sysched.scoring.ExsEngine;
import io.github.sysched.scoring.ReplicaSpreadGuard;
import io.github.sysched.syscall.SyscallSet;
import io.github.sysched.syscall.SyscallWeights;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What one placement leaves in the cluster.
 *
 * <p>Definitions, for a node n with pods whose syscall sets are S₁..S_k (union U(n)) and a set V of
 * vulnerable syscalls (the SySched paper's victim metrics: a container is exposed when a co-located container
 * may make a vulnerable syscall that it does not itself need):
 * <ul>
 *   <li>{@code clusterExs}: Σ over nodes of Σᵢ |U(n) ∖ Sᵢ|, i.e. {@link ExsEngine#clusterExs()} unweighted;
 *       {@code weightedExs} the same with the syscall weights (the CVE-weighted exposure when the weights put
 *       the vulnerable syscalls high; equal to {@code clusterExs} with uniform weights).</li>
 *   <li>{@code meanAttackSurface}, {@code maxAttackSurface}: |U(n)| (unweighted) over the <em>occupied</em>
 *       nodes (nodes with at least one pod; an empty node exposes nothing and would only dilute the mean).</li>
 *   <li>{@code victimNodesPerSyscall}: for each v ∈ V the occupied nodes exposing it (v ∈ U(n)), averaged over V:
 *       the paper's per-syscall victim nodes.</li>
 *   <li>{@code victimPodsPerSyscall}: for each v ∈ V the placed pods p with v ∈ U(n) ∖ S_p (another pod on p's
 *       node may make v, p may not), averaged over V.</li>
 *   <li>{@code victimNodes} (any of V): occupied nodes with U(n) ∩ V ≠ ∅.</li>
 *   <li>{@code victimPods} (any of V): placed pods p with (U(n) ∩ V) ∖ S_p ≠ ∅. A pod alone on its node never
 *       is one.</li>
 *   <li>{@code maxReplicaShare}: over the workloads (pods of one controller) with at least two placed replicas,
 *       the largest share of one workload's placed replicas on one node (1.0: some workload sits on one node;
 *       0 when there is no such workload).</li>
 *   <li>{@code stackedWorkloads}: workloads with at least two placed replicas, all on one node.</li>
 *   <li>{@code replicasOverGuard}: replicas beyond the replica-spread guard's bound, Σ over workloads and nodes of
 *       max(0, replicas on the node − (⌈r/N⌉ + maxSkew − 1)) with r the workload's placed replicas and N the
 *       cluster's nodes (0 when every node respects the bound).</li>
 * </ul>
 *
 * @param label           the strategy (or any caption)
 * @param pods            pods in the workload
 * @param unscheduled     pods no node could take
 * @param nodes           nodes in the cluster
 * @param nodesUsed       occupied nodes
 * @param vulnerableCount |V|
 */
public record PlacementMetrics(
        String label,
        int pods,
        int unscheduled,
        int nodes,
        int nodesUsed,
        long clusterExs,
        long weightedExs,
        double meanAttackSurface,
        int maxAttackSurface,
        int vulnerableCount,
        int victimNodes,
        int victimPods,
        double victimNodesPerSyscall,
        double victimPodsPerSyscall,
        double maxReplicaShare,
        int stackedWorkloads,
        int replicasOverGuard) {

    public int placed() {
        return pods - unscheduled;
    }

    /** {@link #measure(String, List, Map, int, SyscallSet, SyscallWeights, ReplicaSpreadGuard)}, uniform weights. */
    public static PlacementMetrics measure(
            String label,
            List<String> nodeNames,
            Map<String, List<SimPod>> podsByNode,
            int unscheduled,
            SyscallSet vulnerable) {
        return measure(
                label,
                nodeNames,
                podsByNode,
                unscheduled,
                vulnerable,
                SyscallWeights.uniform(),
                ReplicaSpreadGuard.DEFAULT);
    }

    /**
     * Measures a placement.
     *
     * @param nodeNames   every node of the cluster (occupied or not)
     * @param podsByNode  the pods on each node; nodes missing from the map are empty
     * @param unscheduled pods that were not placed (only counted)
     * @param vulnerable  V
     * @param weights     the weights of {@code weightedExs}
     * @param guard       the bound of {@code replicasOverGuard}
     */
    public static PlacementMetrics measure(
            String label,
            List<String> nodeNames,
            Map<String, List<SimPod>> podsByNode,
            int unscheduled,
            SyscallSet vulnerable,
            SyscallWeights weights,
            ReplicaSpreadGuard guard) {
        ExsEngine plain = new ExsEngine();
        ExsEngine weighted = new ExsEngine(weights);
        List<String> vulnerableNames = vulnerable.names();
        int[] exposingNodes = new int[vulnerableNames.size()];
        int[] victimsOfSyscall = new int[vulnerableNames.size()];
        Map<String, Map<String, Integer>> replicas = new HashMap<>();
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
                plain.place(pod.name(), node, pod.syscalls());
                weighted.place(pod.name(), node, pod.syscalls());
                union = union.union(pod.syscalls());
                pod.controller()
                        .ifPresent(c -> replicas.computeIfAbsent(c, k -> new HashMap<>())
                                .merge(node, 1, Integer::sum));
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
                for (int v = 0; v < vulnerableNames.size(); v++) {
                    String name = vulnerableNames.get(v);
                    if (vulnerableHere.contains(name)) {
                        exposingNodes[v]++;
                        for (SimPod pod : pods) {
                            if (!pod.syscalls().contains(name)) {
                                victimsOfSyscall[v]++;
                            }
                        }
                    }
                }
            }
        }
        double maxShare = 0;
        int stacked = 0;
        int overGuard = 0;
        for (Map<String, Integer> onNodes : replicas.values()) {
            int total = onNodes.values().stream().mapToInt(Integer::intValue).sum();
            if (total < 2) {
                continue;
            }
            int cap = guard.maxPerDomain(total, nodeNames.size());
            for (int onNode : onNodes.values()) {
                overGuard += Math.max(0, onNode - cap);
            }
            int largest =
                    onNodes.values().stream().mapToInt(Integer::intValue).max().orElse(0);
            maxShare = Math.max(maxShare, (double) largest / total);
            if (onNodes.size() == 1) {
                stacked++;
            }
        }
        return new PlacementMetrics(
                label,
                placed + unscheduled,
                unscheduled,
                nodeNames.size(),
                nodesUsed,
                plain.clusterExs(),
                weighted.clusterExs(),
                nodesUsed == 0 ? 0 : (double) surfaceSum / nodesUsed,
                surfaceMax,
                vulnerable.cardinality(),
                victimNodes,
                victimPods,
                mean(exposingNodes),
                mean(victimsOfSyscall),
                maxShare,
                stacked,
                overGuard);
    }

    private static double mean(int[] values) {
        if (values.length == 0) {
            return 0;
        }
        long sum = 0;
        for (int value : values) {
            sum += value;
        }
        return (double) sum / values.length;
    }
}
