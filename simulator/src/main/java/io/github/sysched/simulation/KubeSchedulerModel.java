package io.github.sysched.simulation;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * kube-scheduler v1.26's default scoring, for the pods and nodes the simulator knows (no images, no affinity, no
 * volumes): the score plugins that tell nodes apart without a kubelet, with their default weights
 * ({@code pkg/scheduler/apis/config/v1/default_plugins.go}), checked against kube-scheduler's Go source:
 * <ul>
 *   <li><b>NodeResourcesFit</b> (weight 1), strategy LeastAllocated, CPU and memory weight 1 each:
 *       per resource {@code (allocatable − requested)·100/allocatable} (integer division, 0 when over), requested =
 *       the node's non-zero requests plus the pod's ({@link PodRequests}: a container without a request counts 100m
 *       CPU and 200 MiB); the node's score is the weighted mean, integer division.</li>
 *   <li><b>NodeResourcesBalancedAllocation</b> (weight 1): fractions f = requested/allocatable (capped at 1), with
 *       the requests as written ({@code useRequested: true}), score {@code int((1 − |f_cpu − f_mem|/2)·100)}.</li>
 *   <li><b>PodTopologySpread</b> (weight 2): the pod's {@code ScheduleAnyway} constraints, or, for a pod without
 *       constraints whose controller is a ReplicaSet, StatefulSet or ReplicationController, the system defaults
 *       (zone maxSkew 3, hostname maxSkew 5). Per node Σ over constraints of {@code count·log(domains + 2) +
 *       (maxSkew − 1)}, rounded; then {@code 100·(max + min − s)/max}. A pod with only {@code DoNotSchedule}
 *       constraints (the {@code tsc} rule) gets no score from it: the system defaults no longer apply.</li>
 *   <li><b>TaintToleration</b> (weight 3): {@code PreferNoSchedule} taints the pod does not tolerate, reversed
 *       {@code DefaultNormalizeScore}.</li>
 * </ul>
 * NodeAffinity (2), InterPodAffinity (2) and ImageLocality (1) score every simulated node the same (no preferred
 * terms, no images on the nodes) and are left out: a constant changes no choice.
 */
final class KubeSchedulerModel {

    static final int FIT_WEIGHT = 1;
    static final int BALANCED_WEIGHT = 1;
    static final int SPREAD_WEIGHT = 2;
    static final int TAINT_WEIGHT = 3;
    static final int MAX_NODE_SCORE = 100;
    static final int SYSTEM_DEFAULT_HOSTNAME_SKEW = 5;
    static final int SYSTEM_DEFAULT_ZONE_SKEW = 3;

    /** A soft spreading constraint over one topology. */
    record SoftConstraint(boolean zone, int maxSkew) {}

    private final SimulationState state;

    KubeSchedulerModel(SimulationState state) {
        this.state = state;
    }

    /** The plugins' weighted sum for each of {@code candidates} (node indices), in order. */
    long[] scores(SimPod pod, int[] candidates, int count, List<SoftConstraint> spread, boolean requireAllTopologies) {
        long[] total = new long[count];
        for (int j = 0; j < count; j++) {
            int node = candidates[j];
            total[j] = FIT_WEIGHT * leastAllocated(pod, node) + BALANCED_WEIGHT * balancedAllocation(pod, node);
        }
        if (!spread.isEmpty()) {
            long[] pts = podTopologySpread(pod, candidates, count, spread, requireAllTopologies);
            for (int j = 0; j < count; j++) {
                total[j] += SPREAD_WEIGHT * pts[j];
            }
        }
        long[] taints = taintToleration(candidates, count);
        for (int j = 0; j < count; j++) {
            total[j] += TAINT_WEIGHT * taints[j];
        }
        return total;
    }

    long leastAllocated(SimPod pod, int node) {
        SimNode.NodeAllocatable allocatable = state.node(node).allocatable();
        long cpu = leastRequested(state.nonZeroCpu(node) + pod.requests().nonZeroCpuMilli(), allocatable.cpuMilli());
        long memory = leastRequested(
                state.nonZeroMemory(node) + pod.requests().nonZeroMemoryBytes(), allocatable.memoryBytes());
        return (cpu + memory) / 2;
    }

    private static long leastRequested(long requested, long capacity) {
        if (capacity == 0 || requested > capacity) {
            return 0;
        }
        return (capacity - requested) * MAX_NODE_SCORE / capacity;
    }

    long balancedAllocation(SimPod pod, int node) {
        SimNode.NodeAllocatable allocatable = state.node(node).allocatable();
        double cpu = Math.min(1, (double) (state.cpu(node) + pod.requests().cpuMilli()) / allocatable.cpuMilli());
        double memory =
                Math.min(1, (double) (state.memory(node) + pod.requests().memoryBytes()) / allocatable.memoryBytes());
        double std = Math.abs((cpu - memory) / 2);
        return (long) ((1 - std) * MAX_NODE_SCORE);
    }

    long[] podTopologySpread(
            SimPod pod, int[] candidates, int count, List<SoftConstraint> constraints, boolean requireAllTopologies) {
        String controller = pod.controller().orElseThrow();
        boolean zones = !state.cluster().zones().isEmpty();
        boolean[] ignored = new boolean[count];
        int ignoredCount = 0;
        Map<String, Long> zoneCounts = new HashMap<>();
        java.util.Set<String> zoneDomains = new java.util.HashSet<>(); // "" for candidates without the label
        for (int j = 0; j < count; j++) {
            boolean hasAllLabels = constraints.stream().noneMatch(c -> c.zone())
                    || state.node(candidates[j]).zone().isPresent();
            if (requireAllTopologies && !hasAllLabels) {
                ignored[j] = true;
                ignoredCount++;
            } else {
                state.node(candidates[j]).zone().ifPresent(z -> zoneCounts.put(z, 0L));
                zoneDomains.add(state.node(candidates[j]).zone().orElse(""));
            }
        }
        if (zones) {
            // Counted over all nodes carrying the labels the constraints need, for the zones of the candidates.
            for (int node = 0; node < state.nodeCount(); node++) {
                String zone = state.node(node).zone().orElse(null);
                if (zone != null && zoneCounts.containsKey(zone)) {
                    zoneCounts.merge(zone, (long) state.replicasOn(node, controller), Long::sum);
                }
            }
        }
        double hostnameWeight = Math.log(count - ignoredCount + 2);
        double zoneWeight = Math.log(zoneDomains.size() + 2);
        long[] raw = new long[count];
        long min = Long.MAX_VALUE;
        long max = 0;
        for (int j = 0; j < count; j++) {
            if (ignored[j]) {
                continue;
            }
            SimNode node = state.node(candidates[j]);
            double score = 0;
            for (SoftConstraint c : constraints) {
                if (c.zone()) {
                    if (node.zone().isPresent()) {
                        score += zoneCounts.get(node.zone().get()) * zoneWeight + (c.maxSkew() - 1);
                    }
                } else {
                    score += state.replicasOn(candidates[j], controller) * hostnameWeight + (c.maxSkew() - 1);
                }
            }
            raw[j] = Math.round(score);
            min = Math.min(min, raw[j]);
            max = Math.max(max, raw[j]);
        }
        long[] normalized = new long[count];
        for (int j = 0; j < count; j++) {
            if (ignored[j]) {
                normalized[j] = 0;
            } else if (max == 0) {
                normalized[j] = MAX_NODE_SCORE;
            } else {
                normalized[j] = MAX_NODE_SCORE * (max + min - raw[j]) / max;
            }
        }
        return normalized;
    }

    long[] taintToleration(int[] candidates, int count) {
        long max = 0;
        for (int j = 0; j < count; j++) {
            max = Math.max(max, state.node(candidates[j]).preferNoScheduleTaints());
        }
        long[] scores = new long[count];
        for (int j = 0; j < count; j++) {
            long taints = state.node(candidates[j]).preferNoScheduleTaints();
            scores[j] = max == 0 ? MAX_NODE_SCORE : MAX_NODE_SCORE - MAX_NODE_SCORE * taints / max;
        }
        return scores;
    }
}
