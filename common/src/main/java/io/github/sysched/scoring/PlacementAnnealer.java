package io.github.sysched.scoring;

import io.github.sysched.syscall.SyscallWeights;
import java.util.Arrays;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Simulated annealing over a whole placement: relocate one pod to another node, or swap two pods of different nodes,
 * minimizing the weighted cluster ExS. The one search behind the simulator's offline bound ({@code
 * ClairvoyantSearch}) and the extender's demand plan ({@link PlacementPlanner}).
 *
 * <p>A move is taken only when both nodes stay within their pod limit and allocatable CPU and memory, and a guarded
 * pod's new node (and zone, when nodes have zones) stays within the replica-spread guard's bound ⌈r/N⌉ + maxSkew − 1,
 * with r the workload's pods in the problem. A start within the bound therefore stays within it, and a start over it
 * never gets further over. Pinned pods never move (pods already running, when planning the pods still to come).
 *
 * <p>Objective: Σ over nodes of Σ over their pods of w(U(n) ∖ S_p), which is Σ_n k_n·w(U(n)) − Σ_p w(S_p) with the
 * second sum fixed. The temperature starts at the mean uphill delta of random moves and cools geometrically to a
 * thousandth of it; the best placement seen is returned, so the result is never worse than the start.
 *
 * <p>Pure and deterministic: the same problem, steps and random seed give the same placement.
 */
public final class PlacementAnnealer {

    private static final int TEMPERATURE_SAMPLES = 500;
    private static final double FINAL_TEMPERATURE_RATIO = 1e-3;

    /**
     * One placement problem, every array indexed by node or by pod.
     *
     * @param podLimit   per node, the most pods it holds
     * @param cpuLimit   per node, allocatable CPU in millicores
     * @param memoryLimit per node, allocatable memory in bytes
     * @param zoneOfNode per node, its zone (0..) or -1 when it has none
     * @param sets       per pod, its allowed syscalls as words ({@code SyscallSet.wordsOf})
     * @param cpu        per pod, its CPU request in millicores
     * @param memory     per pod, its memory request in bytes
     * @param workloadOf per pod, its guarded workload (0..) or -1 when the guard does not cover it
     * @param start      per pod, the node it starts on
     * @param pinned     per pod, whether it must stay where it starts
     */
    public record Problem(
            int[] podLimit,
            long[] cpuLimit,
            long[] memoryLimit,
            int[] zoneOfNode,
            long[][] sets,
            long[] cpu,
            long[] memory,
            int[] workloadOf,
            int[] start,
            boolean[] pinned) {

        public Problem {
            int nodes = podLimit.length;
            if (cpuLimit.length != nodes || memoryLimit.length != nodes || zoneOfNode.length != nodes) {
                throw new IllegalArgumentException("one pod limit, CPU, memory and zone per node");
            }
            int pods = sets.length;
            if (cpu.length != pods
                    || memory.length != pods
                    || workloadOf.length != pods
                    || start.length != pods
                    || pinned.length != pods) {
                throw new IllegalArgumentException("one set, request, workload, start and pin per pod");
            }
            for (int node : start) {
                if (node < 0 || node >= nodes) {
                    throw new IllegalArgumentException("a pod starts on node " + node + " of " + nodes);
                }
            }
        }

        /** A problem without resource requests or zones: only pod limits and the guard. */
        public static Problem of(int[] podLimit, long[][] sets, int[] workloadOf, int[] start, boolean[] pinned) {
            int nodes = podLimit.length;
            long[] unlimited = new long[nodes];
            Arrays.fill(unlimited, Long.MAX_VALUE);
            int[] noZones = new int[nodes];
            Arrays.fill(noZones, -1);
            return new Problem(
                    podLimit,
                    unlimited,
                    unlimited.clone(),
                    noZones,
                    sets,
                    new long[sets.length],
                    new long[sets.length],
                    workloadOf,
                    start,
                    pinned);
        }

        int nodeCount() {
            return podLimit.length;
        }

        int podCount() {
            return sets.length;
        }
    }

    private final SyscallWeights weights;
    private final ReplicaSpreadGuard guard;
    private final long steps;

    public PlacementAnnealer(SyscallWeights weights, ReplicaSpreadGuard guard, long steps) {
        this.weights = Objects.requireNonNull(weights, "weights");
        this.guard = Objects.requireNonNull(guard, "guard");
        if (steps < 0) {
            throw new IllegalArgumentException("steps cannot be negative, got " + steps);
        }
        this.steps = steps;
    }

    /** The best placement found from {@code problem}'s start: the node of each pod. */
    public int[] improve(Problem problem, long seed) {
        return new Search(problem).run(new SplittableRandom(seed));
    }

    /** The weighted cluster ExS of {@code problem}'s start: what the search minimizes. */
    public long objective(Problem problem) {
        Search search = new Search(problem);
        long own = 0;
        for (long[] set : search.words) {
            own += weights.weigh(set);
        }
        return search.total() - own;
    }

    private final class Search {
        private final Problem problem;
        private final int n;
        private final long[][] words;
        private final int[] nodeOf;
        private final int[] workloadOf;
        private final int[] movable;
        private final int[][] members;
        private final int[] sizes;
        private final long[] cpu;
        private final long[] memory;
        private final long[] cost;
        private final int[][] onNode; // [workload][node]
        private final int[][] inZone; // [workload][zone]
        private final int[] nodeCap;
        private final int[] zoneCap;
        private final int wordCount;
        private final long[] scratch;

        Search(Problem problem) {
            this.problem = problem;
            n = problem.nodeCount();
            int p = problem.podCount();
            int longest = 0;
            for (long[] set : problem.sets()) {
                longest = Math.max(longest, set.length);
            }
            wordCount = longest;
            scratch = new long[wordCount];
            words = new long[p][];
            nodeOf = problem.start().clone();
            workloadOf = problem.workloadOf();
            int workloads = 0;
            int movableCount = 0;
            for (int i = 0; i < p; i++) {
                words[i] = Arrays.copyOf(problem.sets()[i], wordCount);
                workloads = Math.max(workloads, workloadOf[i] + 1);
                if (!problem.pinned()[i]) {
                    movableCount++;
                }
            }
            movable = new int[movableCount];
            for (int i = 0, m = 0; i < p; i++) {
                if (!problem.pinned()[i]) {
                    movable[m++] = i;
                }
            }
            int zoneCount = 0;
            for (int zone : problem.zoneOfNode()) {
                zoneCount = Math.max(zoneCount, zone + 1);
            }
            int[] replicas = new int[workloads];
            for (int w : workloadOf) {
                if (w >= 0) {
                    replicas[w]++;
                }
            }
            onNode = new int[workloads][n];
            inZone = new int[workloads][Math.max(zoneCount, 1)];
            nodeCap = new int[workloads];
            zoneCap = new int[workloads];
            for (int w = 0; w < workloads; w++) {
                nodeCap[w] = guard.maxPerDomain(replicas[w], n);
                zoneCap[w] = zoneCount == 0 ? Integer.MAX_VALUE : guard.maxPerDomain(replicas[w], zoneCount);
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
            cpu[node] += problem.cpu()[pod];
            memory[node] += problem.memory()[pod];
            int w = workloadOf[pod];
            if (w >= 0) {
                onNode[w][node]++;
                int zone = problem.zoneOfNode()[node];
                if (zone >= 0) {
                    inZone[w][zone]++;
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
            cpu[node] -= problem.cpu()[pod];
            memory[node] -= problem.memory()[pod];
            int w = workloadOf[pod];
            if (w >= 0) {
                onNode[w][node]--;
                int zone = problem.zoneOfNode()[node];
                if (zone >= 0) {
                    inZone[w][zone]--;
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
            int count = sizes[node] + 1 - (leaving >= 0 ? 1 : 0);
            if (count > problem.podLimit()[node]) {
                return false;
            }
            long cpuAfter = cpu[node] + problem.cpu()[pod];
            long memoryAfter = memory[node] + problem.memory()[pod];
            if (leaving >= 0) {
                cpuAfter -= problem.cpu()[leaving];
                memoryAfter -= problem.memory()[leaving];
            }
            if (cpuAfter > problem.cpuLimit()[node] || memoryAfter > problem.memoryLimit()[node]) {
                return false;
            }
            int w = workloadOf[pod];
            if (w < 0) {
                return true;
            }
            boolean sameLeaves = leaving >= 0 && workloadOf[leaving] == w;
            if (onNode[w][node] + 1 - (sameLeaves ? 1 : 0) > nodeCap[w]) {
                return false;
            }
            int zone = problem.zoneOfNode()[node];
            if (zone < 0 || zone == problem.zoneOfNode()[nodeOf[pod]]) {
                return true;
            }
            return inZone[w][zone] + 1 - (sameLeaves ? 1 : 0) <= zoneCap[w];
        }

        int[] run(SplittableRandom random) {
            int[] best = nodeOf.clone();
            if (movable.length == 0 || n < 2 || steps == 0) {
                return best;
            }
            long current = total();
            long bestTotal = current;
            double temperature = startTemperature(random);
            double cooling = Math.pow(FINAL_TEMPERATURE_RATIO, 1.0 / steps);
            for (long step = 0; step < steps; step++, temperature *= cooling) {
                int pod = movable[random.nextInt(movable.length)];
                int from = nodeOf[pod];
                int to = random.nextInt(n - 1);
                if (to >= from) {
                    to++;
                }
                int other = random.nextBoolean() && sizes[to] > 0 ? members[to][random.nextInt(sizes[to])] : -1;
                long delta;
                if (other < 0) {
                    delta = relocateDelta(pod, from, to);
                } else if (problem.pinned()[other]) {
                    continue;
                } else {
                    delta = swapDelta(pod, from, other, to);
                }
                if (delta == Long.MAX_VALUE) {
                    continue;
                }
                if (delta <= 0 || random.nextDouble() < Math.exp(-delta / temperature)) {
                    apply(pod, from, other, to);
                    current += delta;
                    if (current < bestTotal) {
                        bestTotal = current;
                        System.arraycopy(nodeOf, 0, best, 0, best.length);
                    }
                }
            }
            return best;
        }

        /** The mean uphill delta of random feasible moves: worse moves are taken often at first. */
        private double startTemperature(SplittableRandom random) {
            double sum = 0;
            int uphill = 0;
            for (int s = 0; s < TEMPERATURE_SAMPLES; s++) {
                int pod = movable[random.nextInt(movable.length)];
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
            if (workloadOf[pod] >= 0 && workloadOf[pod] == workloadOf[other]) {
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
    }
}
