package io.github.sysched.simulation;

import io.github.sysched.scoring.ReplicaSpreadGuard;
import io.github.sysched.syscall.SyscallWeights;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Offline and clairvoyant: improves a finished placement by simulated annealing over the whole placement, knowing
 * every pod. No scheduler can do this (it moves pods that are running and knows pods not yet created); it shows what
 * placements under the same rules can reach, to measure how far an online score is from them (docs/PLACEMENT.md
 * §8).
 *
 * <p>Moves: relocate one pod to another node, or swap two pods on different nodes. A move is taken only when both
 * nodes stay within their pod limit and allocatable CPU and memory, and a guarded pod's new node (and zone, when
 * nodes have zones) stays within the replica-spread guard's bound ⌈r/N⌉ + maxSkew − 1, with r the workload's placed
 * replicas. A start within the bound therefore stays within it, and a start over it never gets further over.
 * Unscheduled pods stay unscheduled.
 *
 * <p>Objective: the weighted cluster ExS, Σ over nodes of Σ over their pods of w(U(n) ∖ S_p), which is
 * Σ_n k_n·w(U(n)) − Σ_p w(S_p) with the second sum fixed. Annealing from the start's temperature-scaled uphill
 * moves down to near zero; the best placement seen is returned, so the result is never worse than the start.
 *
 * <p>Pure and deterministic: the same inputs and seed give the same placement.
 */
public final class ClairvoyantSearch {

    /** Moves tried per run by default: on the example (234 pods, 50 nodes) about a second. */
    public static final long DEFAULT_STEPS = 2_000_000;

    private static final int TEMPERATURE_SAMPLES = 500;
    private static final double FINAL_TEMPERATURE_RATIO = 1e-3;

    private final ClusterSpec cluster;
    private final SyscallWeights weights;
    private final ReplicaSpreadGuard guard;
    private final long steps;

    public ClairvoyantSearch(ClusterSpec cluster, SyscallWeights weights, ReplicaSpreadGuard guard, long steps) {
        this.cluster = Objects.requireNonNull(cluster, "cluster");
        this.weights = Objects.requireNonNull(weights, "weights");
        this.guard = Objects.requireNonNull(guard, "guard");
        if (steps < 0) {
            throw new IllegalArgumentException("steps cannot be negative, got " + steps);
        }
        this.steps = steps;
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
        return new Search(pods, start).run(new SplittableRandom(seed));
    }

    /** The weighted cluster ExS of a placement: what the search minimizes. */
    public long objective(List<SimPod> pods, Map<String, String> placement) {
        Search search = new Search(pods, placement);
        long own = 0;
        for (long[] set : search.words) {
            own += weights.weigh(set);
        }
        return search.total() - own;
    }

    private final class Search {
        private final int n = cluster.nodeCount();
        private final List<SimPod> placed = new ArrayList<>();
        private final long[][] words;
        private final int[] nodeOf;
        private final int[] controllerOf; // -1: not guarded
        private final int[][] members;
        private final int[] sizes;
        private final long[] cpu;
        private final long[] memory;
        private final long[] cost;
        private final int[][] onNode; // [controller][node]
        private final int[][] inZone; // [controller][zone]
        private final int[] nodeCap;
        private final int[] zoneCap;
        private final int[] zoneOfNode;
        private final int wordCount;
        private final long[] scratch;

        Search(List<SimPod> pods, Map<String, String> start) {
            Map<String, Integer> nodeIndex = new HashMap<>();
            List<SimNode> nodes = cluster.nodes();
            Map<String, Integer> zones = new HashMap<>();
            zoneOfNode = new int[n];
            for (int i = 0; i < n; i++) {
                nodeIndex.put(nodes.get(i).name(), i);
                zoneOfNode[i] = nodes.get(i)
                        .zone()
                        .map(z -> zones.computeIfAbsent(z, k -> zones.size()))
                        .orElse(-1);
            }
            Map<String, SimPod> byName = new HashMap<>();
            for (SimPod pod : pods) {
                byName.put(pod.name(), pod);
            }
            List<Integer> startNodes = new ArrayList<>();
            for (Map.Entry<String, String> e : start.entrySet()) {
                SimPod pod = byName.get(e.getKey());
                Integer node = nodeIndex.get(e.getValue());
                if (pod == null || node == null) {
                    throw new IllegalArgumentException("placement names an unknown pod or node: " + e);
                }
                placed.add(pod);
                startNodes.add(node);
            }
            int p = placed.size();
            int longest = 0;
            for (SimPod pod : placed) {
                longest = Math.max(longest, pod.syscalls().wordCount());
            }
            wordCount = longest;
            scratch = new long[wordCount];
            words = new long[p][];
            nodeOf = new int[p];
            controllerOf = new int[p];
            Map<String, Integer> controllers = new HashMap<>();
            List<Integer> replicas = new ArrayList<>();
            for (int i = 0; i < p; i++) {
                SimPod pod = placed.get(i);
                words[i] = Arrays.copyOf(pod.syscalls().toWords(), wordCount);
                nodeOf[i] = startNodes.get(i);
                if (pod.guarded()) {
                    int c = controllers.computeIfAbsent(pod.controller().orElseThrow(), k -> controllers.size());
                    if (c == replicas.size()) {
                        replicas.add(0);
                    }
                    replicas.set(c, replicas.get(c) + 1);
                    controllerOf[i] = c;
                } else {
                    controllerOf[i] = -1;
                }
            }
            int zoneCount = zones.size();
            onNode = new int[controllers.size()][n];
            inZone = new int[controllers.size()][Math.max(zoneCount, 1)];
            nodeCap = new int[controllers.size()];
            zoneCap = new int[controllers.size()];
            for (int c = 0; c < controllers.size(); c++) {
                nodeCap[c] = guard.maxPerDomain(replicas.get(c), n);
                zoneCap[c] = zoneCount == 0 ? Integer.MAX_VALUE : guard.maxPerDomain(replicas.get(c), zoneCount);
            }
            members = new int[n][4];
            sizes = new int[n];
            cpu = new long[n];
            memory = new long[n];
            cost = new long[n];
            for (int i = 0; i < p; i++) {
                add(i, nodeOf[i]);
            }
            for (int node = 0; node < n; node++) {
                cost[node] = sizes[node] * unionWeight(node, -1, -1);
            }
        }

        private void add(int pod, int node) {
            if (sizes[node] == members[node].length) {
                members[node] = Arrays.copyOf(members[node], sizes[node] * 2);
            }
            members[node][sizes[node]++] = pod;
            SimPod simPod = placed.get(pod);
            cpu[node] += simPod.requests().cpuMilli();
            memory[node] += simPod.requests().memoryBytes();
            int c = controllerOf[pod];
            if (c >= 0) {
                onNode[c][node]++;
                if (zoneOfNode[node] >= 0) {
                    inZone[c][zoneOfNode[node]]++;
                }
            }
            nodeOf[pod] = node;
        }

        private void remove(int pod, int node) {
            for (int j = 0; j < sizes[node]; j++) {
                if (members[node][j] == pod) {
                    members[node][j] = members[node][--sizes[node]];
                    break;
                }
            }
            SimPod simPod = placed.get(pod);
            cpu[node] -= simPod.requests().cpuMilli();
            memory[node] -= simPod.requests().memoryBytes();
            int c = controllerOf[pod];
            if (c >= 0) {
                onNode[c][node]--;
                if (zoneOfNode[node] >= 0) {
                    inZone[c][zoneOfNode[node]]--;
                }
            }
        }

        /** w(U) of {@code node}'s pods without {@code without} (or -1), plus {@code with}'s set (or -1). */
        private long unionWeight(int node, int without, int with) {
            Arrays.fill(scratch, 0L);
            for (int j = 0; j < sizes[node]; j++) {
                int member = members[node][j];
                if (member != without) {
                    orInto(member);
                }
            }
            if (with >= 0) {
                orInto(with);
            }
            return weights.weigh(scratch);
        }

        private void orInto(int pod) {
            long[] set = words[pod];
            for (int w = 0; w < wordCount; w++) {
                scratch[w] |= set[w];
            }
        }

        long total() {
            long sum = 0;
            for (long c : cost) {
                sum += c;
            }
            return sum;
        }

        /** Whether {@code pod} may join {@code node} when {@code leaving} (or -1) leaves it at the same time. */
        private boolean allowed(int pod, int node, int leaving) {
            SimNode target = cluster.nodes().get(node);
            int count = sizes[node] + 1 - (leaving >= 0 ? 1 : 0);
            if (count > target.podLimit()) {
                return false;
            }
            SimPod in = placed.get(pod);
            long cpuAfter = cpu[node] + in.requests().cpuMilli();
            long memoryAfter = memory[node] + in.requests().memoryBytes();
            if (leaving >= 0) {
                cpuAfter -= placed.get(leaving).requests().cpuMilli();
                memoryAfter -= placed.get(leaving).requests().memoryBytes();
            }
            if (cpuAfter > target.allocatable().cpuMilli()
                    || memoryAfter > target.allocatable().memoryBytes()) {
                return false;
            }
            int c = controllerOf[pod];
            if (c < 0) {
                return true;
            }
            boolean sameLeaves = leaving >= 0 && controllerOf[leaving] == c;
            if (onNode[c][node] + 1 - (sameLeaves ? 1 : 0) > nodeCap[c]) {
                return false;
            }
            int zone = zoneOfNode[node];
            if (zone < 0 || zone == zoneOfNode[nodeOf[pod]]) {
                return true;
            }
            return inZone[c][zone] + 1 - (sameLeaves ? 1 : 0) <= zoneCap[c];
        }

        Map<String, String> run(SplittableRandom random) {
            int p = placed.size();
            int[] best = nodeOf.clone();
            if (p < 2 || n < 2 || steps == 0) {
                return result(best);
            }
            long current = total();
            long bestTotal = current;
            double temperature = startTemperature(random);
            double cooling = Math.pow(FINAL_TEMPERATURE_RATIO, 1.0 / steps);
            for (long step = 0; step < steps; step++, temperature *= cooling) {
                int pod = random.nextInt(p);
                int from = nodeOf[pod];
                int to = random.nextInt(n - 1);
                if (to >= from) {
                    to++;
                }
                int other = random.nextBoolean() && sizes[to] > 0 ? members[to][random.nextInt(sizes[to])] : -1;
                long delta = other < 0 ? relocateDelta(pod, from, to) : swapDelta(pod, from, other, to);
                if (delta == Long.MAX_VALUE) {
                    continue;
                }
                if (delta <= 0 || random.nextDouble() < Math.exp(-delta / temperature)) {
                    apply(pod, from, other, to);
                    current += delta;
                    if (current < bestTotal) {
                        bestTotal = current;
                        System.arraycopy(nodeOf, 0, best, 0, p);
                    }
                }
            }
            return result(best);
        }

        /** The mean uphill delta of random feasible moves: worse moves are taken often at first. */
        private double startTemperature(SplittableRandom random) {
            double sum = 0;
            int uphill = 0;
            for (int s = 0; s < TEMPERATURE_SAMPLES; s++) {
                int pod = random.nextInt(placed.size());
                int from = nodeOf[pod];
                int to = random.nextInt(n);
                if (to == from) {
                    continue;
                }
                long delta = relocateDelta(pod, from, to);
                if (delta != Long.MAX_VALUE && delta > 0) {
                    sum += delta;
                    uphill++;
                }
            }
            return uphill == 0 ? 1.0 : Math.max(1.0, sum / uphill);
        }

        /** The objective's change, or {@link Long#MAX_VALUE} when the move breaks a limit. */
        private long relocateDelta(int pod, int from, int to) {
            if (!allowed(pod, to, -1)) {
                return Long.MAX_VALUE;
            }
            long fromAfter = (sizes[from] - 1) * unionWeight(from, pod, -1);
            long toAfter = (sizes[to] + 1) * unionWeight(to, -1, pod);
            return fromAfter + toAfter - cost[from] - cost[to];
        }

        private long swapDelta(int pod, int from, int other, int to) {
            if (controllerOf[pod] >= 0 && controllerOf[pod] == controllerOf[other]) {
                return Long.MAX_VALUE; // the same workload's replicas: a swap changes nothing
            }
            if (!allowed(pod, to, other) || !allowed(other, from, pod)) {
                return Long.MAX_VALUE;
            }
            long fromAfter = sizes[from] * unionWeight(from, pod, other);
            long toAfter = sizes[to] * unionWeight(to, other, pod);
            return fromAfter + toAfter - cost[from] - cost[to];
        }

        private void apply(int pod, int from, int other, int to) {
            remove(pod, from);
            if (other >= 0) {
                remove(other, to);
                add(other, from);
            }
            add(pod, to);
            cost[from] = sizes[from] * unionWeight(from, -1, -1);
            cost[to] = sizes[to] * unionWeight(to, -1, -1);
        }

        private Map<String, String> result(int[] assignment) {
            Map<String, String> result = new LinkedHashMap<>();
            for (int i = 0; i < placed.size(); i++) {
                result.put(
                        placed.get(i).name(), cluster.nodes().get(assignment[i]).name());
            }
            return result;
        }
    }
}
