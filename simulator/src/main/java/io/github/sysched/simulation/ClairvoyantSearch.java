package io.github.sysched.simulation;

import io.github.sysched.scoring.PlacementAnnealer;
import io.github.sysched.scoring.ReplicaSpreadGuard;
import io.github.sysched.syscall.SyscallWeights;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Offline and clairvoyant: improves a finished placement by simulated annealing over the whole placement, knowing
 * every pod. No scheduler can do this (it moves pods that are running and knows pods not yet created); it shows what
 * placements under the same rules can reach, to measure how far an online score is from them (docs/PLACEMENT.md
 * §8).
 *
 * <p>The search is common's {@link PlacementAnnealer} (the extender's demand plan runs the same one) over every placed
 * pod, none pinned: moves keep node limits (pods, CPU, memory) and the guard's bound ⌈r/N⌉ + maxSkew − 1 with r the
 * workload's placed replicas; the objective is the weighted cluster ExS; the best placement seen is returned, so the
 * result is never worse than the start. Unscheduled pods stay unscheduled.
 *
 * <p>Pure and deterministic: the same inputs and seed give the same placement.
 */
public final class ClairvoyantSearch {

    /** Moves tried per run by default: on the example (234 pods, 50 nodes) about a second. */
    public static final long DEFAULT_STEPS = 2_000_000;

    private final ClusterSpec cluster;
    private final PlacementAnnealer annealer;

    public ClairvoyantSearch(ClusterSpec cluster, SyscallWeights weights, ReplicaSpreadGuard guard, long steps) {
        this.cluster = Objects.requireNonNull(cluster, "cluster");
        this.annealer = new PlacementAnnealer(weights, guard, steps);
    }

    /**
     * The best placement found from {@code start}.
     *
     * @param pods  the workload's pods (those missing from {@code start} are unscheduled and stay so)
     * @param start node name per placed pod
     * @param seed  the search's random seed
     * @return node name per placed pod, in {@code start}'s order
     */
    public Map<String, String> improve(List<SimPod> pods, Map<String, String> start, long seed) {
        Problem problem = problem(pods, start);
        int[] nodes = annealer.improve(problem.problem(), seed);
        Map<String, String> result = new LinkedHashMap<>();
        for (int i = 0; i < problem.placed().size(); i++) {
            result.put(
                    problem.placed().get(i).name(),
                    cluster.nodes().get(nodes[i]).name());
        }
        return result;
    }

    /** The weighted cluster ExS of a placement: what the search minimizes. */
    public long objective(List<SimPod> pods, Map<String, String> placement) {
        return annealer.objective(problem(pods, placement).problem());
    }

    private record Problem(List<SimPod> placed, PlacementAnnealer.Problem problem) {}

    private Problem problem(List<SimPod> pods, Map<String, String> start) {
        List<SimNode> nodes = cluster.nodes();
        int n = nodes.size();
        Map<String, Integer> nodeIndex = new HashMap<>();
        Map<String, Integer> zones = new HashMap<>();
        int[] podLimit = new int[n];
        long[] cpuLimit = new long[n];
        long[] memoryLimit = new long[n];
        int[] zoneOfNode = new int[n];
        for (int i = 0; i < n; i++) {
            SimNode node = nodes.get(i);
            nodeIndex.put(node.name(), i);
            podLimit[i] = node.podLimit();
            cpuLimit[i] = node.allocatable().cpuMilli();
            memoryLimit[i] = node.allocatable().memoryBytes();
            zoneOfNode[i] = node.zone()
                    .map(z -> zones.computeIfAbsent(z, k -> zones.size()))
                    .orElse(-1);
        }
        Map<String, SimPod> byName = new HashMap<>();
        for (SimPod pod : pods) {
            byName.put(pod.name(), pod);
        }
        List<SimPod> placed = new ArrayList<>(start.size());
        int p = start.size();
        long[][] sets = new long[p][];
        long[] cpu = new long[p];
        long[] memory = new long[p];
        int[] workloadOf = new int[p];
        int[] startNodes = new int[p];
        Map<String, Integer> workloads = new HashMap<>();
        for (Map.Entry<String, String> e : start.entrySet()) {
            SimPod pod = byName.get(e.getKey());
            Integer node = nodeIndex.get(e.getValue());
            if (pod == null || node == null) {
                throw new IllegalArgumentException("placement names an unknown pod or node: " + e);
            }
            int i = placed.size();
            placed.add(pod);
            sets[i] = pod.syscalls().toWords();
            cpu[i] = pod.requests().cpuMilli();
            memory[i] = pod.requests().memoryBytes();
            workloadOf[i] = pod.guarded()
                    ? workloads.computeIfAbsent(pod.controller().orElseThrow(), k -> workloads.size())
                    : -1;
            startNodes[i] = node;
        }
        return new Problem(
                placed,
                new PlacementAnnealer.Problem(
                        podLimit,
                        cpuLimit,
                        memoryLimit,
                        zoneOfNode,
                        sets,
                        cpu,
                        memory,
                        workloadOf,
                        startNodes,
                        new boolean[p]));
    }
}
