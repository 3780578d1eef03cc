package io.github.sysched.simulation;

import io.github.sysched.scoring.ReplicaSpreadGuard;
import io.github.sysched.syscall.SyscallSet;
import io.github.sysched.syscall.SyscallWeights;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The exact minimum of cluster ExS for a small workload, by exhaustive search (branch and bound), as the yardstick
 * of the online strategies: every pod placed, at most each node's pod limit, and, when {@code guarded}, the
 * replica-spread guard on every pod it covers. Offline: it knows every pod in advance and ignores arrival order.
 *
 * <p>Nodes must be interchangeable (same pod limit, no zones): a pod may then open only the first empty node, which
 * removes the node permutations from the search. Node ExS never decreases when a pod joins, so the ExS of a partial
 * placement bounds every completion from below. Meant for at most {@value #MAX_PODS} pods.
 */
public final class ExactPlacement {

    public static final int MAX_PODS = 12;

    /** The optimum: its cluster ExS and one placement reaching it (pod index → node index). */
    public record Optimum(long clusterExs, int[] nodeOfPod) {}

    private final List<SimPod> pods;
    private final int nodes;
    private final int podLimit;
    private final SyscallWeights weights;
    private final int[] guardCap;
    private final int[] workloadOf;
    private final int workloads;

    private final SyscallSet[] union;
    private final long[] podWeightSum;
    private final int[] count;
    private final int[][] replicasOn;
    private final int[] assignment;
    private long best = Long.MAX_VALUE;
    private int[] bestAssignment;

    private ExactPlacement(
            List<SimPod> pods, ClusterSpec cluster, boolean guarded, ReplicaSpreadGuard guard, SyscallWeights weights) {
        if (pods.size() > MAX_PODS) {
            throw new IllegalArgumentException("exact search is for at most " + MAX_PODS + " pods, got " + pods.size());
        }
        if (!cluster.zones().isEmpty()
                || cluster.nodes().stream()
                                .mapToInt(SimNode::podLimit)
                                .distinct()
                                .count()
                        > 1) {
            throw new IllegalArgumentException("exact search needs interchangeable nodes (one pod limit, no zones)");
        }
        this.pods = List.copyOf(pods);
        this.nodes = cluster.nodeCount();
        this.podLimit = cluster.podsPerNode();
        this.weights = weights;
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> replicas = new HashMap<>();
        workloadOf = new int[pods.size()];
        for (int p = 0; p < pods.size(); p++) {
            SimPod pod = pods.get(p);
            if (guarded && pod.guarded()) {
                String controller = pod.controller().orElseThrow();
                workloadOf[p] = index.computeIfAbsent(controller, k -> index.size());
                replicas.merge(controller, 1, Integer::sum);
            } else {
                workloadOf[p] = -1;
            }
        }
        workloads = index.size();
        guardCap = new int[workloads];
        index.forEach((controller, w) -> guardCap[w] = guard.maxPerDomain(replicas.get(controller), nodes));
        union = new SyscallSet[nodes];
        java.util.Arrays.fill(union, SyscallSet.empty());
        podWeightSum = new long[nodes];
        count = new int[nodes];
        replicasOn = new int[nodes][workloads];
        assignment = new int[pods.size()];
    }

    /**
     * The minimum cluster ExS (with {@code weights}) over every placement of {@code pods} on {@code cluster}.
     *
     * @throws IllegalArgumentException when no placement puts every pod on a node
     */
    public static Optimum minimize(
            List<SimPod> pods, ClusterSpec cluster, boolean guarded, ReplicaSpreadGuard guard, SyscallWeights weights) {
        ExactPlacement search = new ExactPlacement(pods, cluster, guarded, guard, weights);
        search.search(0, 0, 0);
        if (search.bestAssignment == null) {
            throw new IllegalArgumentException("no placement fits every pod");
        }
        return new Optimum(search.best, search.bestAssignment);
    }

    private long nodeExs(int node) {
        return count[node] * weights.weigh(union[node]) - podWeightSum[node];
    }

    private void search(int p, long cost, int used) {
        if (cost >= best) {
            return;
        }
        if (p == pods.size()) {
            best = cost;
            bestAssignment = assignment.clone();
            return;
        }
        SimPod pod = pods.get(p);
        int w = workloadOf[p];
        int limit = Math.min(nodes, used + 1); // the first empty node stands for all of them
        for (int node = 0; node < limit; node++) {
            if (count[node] >= podLimit || (w >= 0 && replicasOn[node][w] >= guardCap[w])) {
                continue;
            }
            SyscallSet previousUnion = union[node];
            long before = nodeExs(node);
            union[node] = previousUnion.union(pod.syscalls());
            podWeightSum[node] += weights.weigh(pod.syscalls());
            count[node]++;
            if (w >= 0) {
                replicasOn[node][w]++;
            }
            assignment[p] = node;
            search(p + 1, cost - before + nodeExs(node), node == used ? used + 1 : used);
            if (w >= 0) {
                replicasOn[node][w]--;
            }
            count[node]--;
            podWeightSum[node] -= weights.weigh(pod.syscalls());
            union[node] = previousUnion;
        }
    }

    /** The placement as node → pods, for reports. */
    public static Map<Integer, List<SimPod>> byNode(List<SimPod> pods, Optimum optimum) {
        Map<Integer, List<SimPod>> byNode = new HashMap<>();
        for (int p = 0; p < pods.size(); p++) {
            byNode.computeIfAbsent(optimum.nodeOfPod()[p], k -> new ArrayList<>())
                    .add(pods.get(p));
        }
        return byNode;
    }
}
