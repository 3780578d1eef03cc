package io.github.sysched.simulation;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** What the simulator tracks per node while it places one workload: pods, requests, replicas per controller. */
final class SimulationState {

    private final ClusterSpec cluster;
    private final List<SimNode> nodes;
    private final int[] pods;
    private final long[] cpu;
    private final long[] memory;
    private final long[] nonZeroCpu;
    private final long[] nonZeroMemory;
    private final Map<String, int[]> replicasByController = new HashMap<>();
    private final Map<String, int[]> replicasByZone = new HashMap<>();
    private final Map<String, Integer> zoneIndex = new HashMap<>();
    private final int[] zoneOfNode;

    SimulationState(ClusterSpec cluster) {
        this.cluster = cluster;
        this.nodes = cluster.nodes();
        int n = nodes.size();
        pods = new int[n];
        cpu = new long[n];
        memory = new long[n];
        nonZeroCpu = new long[n];
        nonZeroMemory = new long[n];
        zoneOfNode = new int[n];
        for (int i = 0; i < n; i++) {
            zoneOfNode[i] = nodes.get(i)
                    .zone()
                    .map(z -> zoneIndex.computeIfAbsent(z, k -> zoneIndex.size()))
                    .orElse(-1);
        }
    }

    ClusterSpec cluster() {
        return cluster;
    }

    int nodeCount() {
        return nodes.size();
    }

    SimNode node(int index) {
        return nodes.get(index);
    }

    int pods(int node) {
        return pods[node];
    }

    long cpu(int node) {
        return cpu[node];
    }

    long memory(int node) {
        return memory[node];
    }

    long nonZeroCpu(int node) {
        return nonZeroCpu[node];
    }

    long nonZeroMemory(int node) {
        return nonZeroMemory[node];
    }

    int zoneCount() {
        return zoneIndex.size();
    }

    /** The zone index of the node, -1 when it has none. */
    int zoneOf(int node) {
        return zoneOfNode[node];
    }

    int replicasOn(int node, String controller) {
        int[] counts = replicasByController.get(controller);
        return counts == null ? 0 : counts[node];
    }

    int replicasInZone(int zone, String controller) {
        int[] counts = replicasByZone.get(controller);
        return counts == null ? 0 : counts[zone];
    }

    /** NodeResourcesFit's filter: a free pod slot and room for the pod's requests as written. */
    boolean fits(SimPod pod, int node) {
        SimNode.NodeAllocatable allocatable = nodes.get(node).allocatable();
        return pods[node] < nodes.get(node).podLimit()
                && cpu[node] + pod.requests().cpuMilli() <= allocatable.cpuMilli()
                && memory[node] + pod.requests().memoryBytes() <= allocatable.memoryBytes();
    }

    void place(SimPod pod, int node) {
        count(pod, node, 1);
    }

    /** Takes a placed pod off its node (an eviction). */
    void remove(SimPod pod, int node) {
        if (pods[node] == 0) {
            throw new IllegalStateException(pod.name() + " is not on node " + node);
        }
        count(pod, node, -1);
    }

    private void count(SimPod pod, int node, int sign) {
        pods[node] += sign;
        cpu[node] += sign * pod.requests().cpuMilli();
        memory[node] += sign * pod.requests().memoryBytes();
        nonZeroCpu[node] += sign * pod.requests().nonZeroCpuMilli();
        nonZeroMemory[node] += sign * pod.requests().nonZeroMemoryBytes();
        pod.controller().ifPresent(c -> {
            replicasByController.computeIfAbsent(c, k -> new int[nodes.size()])[node] += sign;
            if (zoneOfNode[node] >= 0) {
                replicasByZone.computeIfAbsent(c, k -> new int[zoneIndex.size()])[zoneOfNode[node]] += sign;
            }
        });
    }
}
