package io.github.sysched.scoring;

import io.github.sysched.syscall.SyscallSet;
import io.github.sysched.syscall.SyscallWeights;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Plans where the pods still to come should go, knowing what runs and what the controllers will create: the
 * demand. A score sees one pod at a time and places the first pods of a rollout without knowing what follows (on
 * {@code examples/simulation}, in the order a cluster creates a rollout's pods, the marginal score alone ends 23 %
 * above what placements under the same guard reach); a plan over the known demand does not (docs/PLACEMENT.md §10).
 *
 * <p>The plan: every demanded pod starts on the node a greedy marginal-ExS choice gives it (or where the previous
 * plan had it, when that still fits), then {@link PlacementAnnealer} improves the demanded pods' nodes with the
 * running pods pinned, within pod limits and the replica-spread guard's bound (r = the workload's running plus
 * demanded replicas). A demanded pod for which no node has room is left out of the plan.
 *
 * <p>Replicas of one workload are interchangeable, so the plan is a multiset of nodes per workload: a pod of workload
 * W belongs on any node the plan still holds for W. Pure and deterministic for a given seed.
 */
public final class PlacementPlanner {

    /**
     * The annealer's moves per plan by default: enough to come within 0.3 % of the offline bound on {@code
     * examples/simulation} (docs/PLACEMENT.md §10), tens of milliseconds for its 234 pods on 50 nodes.
     */
    public static final long DEFAULT_STEPS = 300_000;

    /** A node: its name, the most pods it holds, and its zone if labelled. */
    public record Node(String name, int podLimit, Optional<String> zone) {
        public Node {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(zone, "zone");
            if (podLimit < 1) {
                throw new IllegalArgumentException(name + ": a node holds at least one pod, got " + podLimit);
            }
        }
    }

    /** A running (or bound) pod: where it is, what it allows, and its guarded workload if the guard covers it. */
    public record Running(String node, SyscallSet syscalls, Optional<String> workload) {
        public Running {
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(syscalls, "syscalls");
            Objects.requireNonNull(workload, "workload");
        }
    }

    /**
     * Pods still to come: {@code count} pods of {@code workload}, each allowing {@code syscalls}; {@code guarded}
     * when the replica-spread guard covers them (a bare pod is a workload of its own, unguarded).
     */
    public record Demand(String workload, SyscallSet syscalls, int count, boolean guarded) {
        public Demand {
            Objects.requireNonNull(workload, "workload");
            Objects.requireNonNull(syscalls, "syscalls");
            if (count < 0) {
                throw new IllegalArgumentException(workload + ": demand cannot be negative, got " + count);
            }
        }
    }

    /** Where each workload's coming pods belong: a node name per planned pod (a node may repeat only unguarded). */
    public record Plan(Map<String, List<String>> nodesByWorkload) {
        public static final Plan EMPTY = new Plan(Map.of());

        public Plan {
            Map<String, List<String>> copy = new LinkedHashMap<>();
            nodesByWorkload.forEach((workload, nodes) -> copy.put(workload, List.copyOf(nodes)));
            nodesByWorkload = java.util.Collections.unmodifiableMap(copy);
        }

        /** The nodes the plan holds for {@code workload}'s coming pods (empty when it plans none). */
        public List<String> nodesFor(String workload) {
            return nodesByWorkload.getOrDefault(workload, List.of());
        }

        /** How many coming pods the plan places. */
        public int size() {
            return nodesByWorkload.values().stream().mapToInt(List::size).sum();
        }
    }

    private final SyscallWeights weights;
    private final ReplicaSpreadGuard guard;
    private final long openingCost;
    private final PlacementAnnealer annealer;

    /**
     * @param openingCost the greedy start's cost of an empty node ({@link MarginalExs})
     * @param steps       the annealer's moves per plan
     */
    public PlacementPlanner(SyscallWeights weights, ReplicaSpreadGuard guard, long openingCost, long steps) {
        this.weights = Objects.requireNonNull(weights, "weights");
        this.guard = Objects.requireNonNull(guard, "guard");
        if (openingCost < 0) {
            throw new IllegalArgumentException("opening cost cannot be negative: " + openingCost);
        }
        this.openingCost = openingCost;
        this.annealer = new PlacementAnnealer(weights, guard, steps);
    }

    /**
     * The plan for {@code demand} on {@code nodes} around the {@code running} pods, starting where {@code previous}
     * had each workload's pods when they still fit. Running pods on nodes not listed are ignored.
     */
    public Plan plan(List<Node> nodes, List<Running> running, List<Demand> demand, Plan previous, long seed) {
        Objects.requireNonNull(previous, "previous");
        int n = nodes.size();
        if (n == 0 || demand.stream().allMatch(d -> d.count() == 0)) {
            return Plan.EMPTY;
        }
        Map<String, Integer> nodeIndex = new HashMap<>();
        Map<String, Integer> zones = new HashMap<>();
        int[] podLimit = new int[n];
        int[] zoneOfNode = new int[n];
        for (int i = 0; i < n; i++) {
            Node node = nodes.get(i);
            if (nodeIndex.put(node.name(), i) != null) {
                throw new IllegalArgumentException("node listed twice: " + node.name());
            }
            podLimit[i] = node.podLimit();
            zoneOfNode[i] = node.zone()
                    .map(z -> zones.computeIfAbsent(z, k -> zones.size()))
                    .orElse(-1);
        }
        Map<String, Integer> workloads = new HashMap<>();
        Map<String, Integer> replicas = new HashMap<>();
        for (Running pod : running) {
            pod.workload().ifPresent(w -> replicas.merge(w, 1, Integer::sum));
        }
        for (Demand d : demand) {
            if (d.guarded()) {
                replicas.merge(d.workload(), d.count(), Integer::sum);
            }
        }

        Start start = new Start(n, podLimit, zoneOfNode, zones.size());
        for (Running pod : running) {
            Integer node = nodeIndex.get(pod.node());
            if (node != null) {
                int w = pod.workload()
                        .map(k -> workloads.computeIfAbsent(k, x -> workloads.size()))
                        .orElse(-1);
                start.add(pod.syscalls(), w, node, true, null);
            }
        }
        for (Demand d : demand) {
            int w = d.guarded() ? workloads.computeIfAbsent(d.workload(), x -> workloads.size()) : -1;
            int cap = d.guarded() ? guard.maxPerDomain(replicas.get(d.workload()), n) : Integer.MAX_VALUE;
            int zoneCap = d.guarded() && !zones.isEmpty()
                    ? guard.maxPerDomain(replicas.get(d.workload()), zones.size())
                    : Integer.MAX_VALUE;
            // The previous plan's nodes that still fit, in turn: a node one of the workload's pods has taken since
            // (no longer fitting under the guard) is crossed off, and the rest of the plan is kept for the pods to
            // come, rather than re-placing one of them greedily on every plan of a rollout.
            List<String> before = previous.nodesFor(d.workload());
            int nextHint = 0;
            for (int k = 0; k < d.count(); k++) {
                int node = -1;
                while (node < 0 && nextHint < before.size()) {
                    Integer hint = nodeIndex.get(before.get(nextHint++));
                    if (hint != null && start.fits(w, hint, cap, zoneCap)) {
                        node = hint;
                    }
                }
                if (node < 0) {
                    node = start.cheapest(d.syscalls(), w, cap, zoneCap);
                }
                if (node >= 0) {
                    start.add(d.syscalls(), w, node, false, d.workload());
                }
            }
        }

        PlacementAnnealer.Problem problem = start.problem();
        int[] placed = annealer.improve(problem, seed);
        Map<String, List<String>> plan = new LinkedHashMap<>();
        for (int i = 0; i < placed.length; i++) {
            String workload = start.demandOf.get(i);
            if (workload != null) {
                plan.computeIfAbsent(workload, k -> new ArrayList<>())
                        .add(nodes.get(placed[i]).name());
            }
        }
        return new Plan(plan);
    }

    /**
     * The extender's scores with a plan followed: a candidate the plan holds for the pod's workload gets the top level,
     * every other one level less than its own (0 stays 0). When the plan holds none of the candidates, {@code scores}
     * itself is returned, so a caller can tell by identity whether the plan was followed.
     *
     * @param scores      the score's levels (0..10) per candidate, in order
     * @param nodeNames   the candidates, in order
     * @param plannedNodes the nodes the plan holds for the pod's workload ({@link Plan#nodesFor}); a {@code Set} is
     *                     read as it is (the extender's request path), any other collection copied into one
     */
    public static int[] follow(int[] scores, List<String> nodeNames, java.util.Collection<String> plannedNodes) {
        if (scores.length != nodeNames.size()) {
            throw new IllegalArgumentException("one score per candidate node");
        }
        if (plannedNodes.isEmpty()) {
            return scores;
        }
        java.util.Set<String> planned =
                plannedNodes instanceof java.util.Set<String> set ? set : java.util.Set.copyOf(plannedNodes);
        int firstPlanned = 0;
        while (firstPlanned < scores.length && !planned.contains(nodeNames.get(firstPlanned))) {
            firstPlanned++;
        }
        if (firstPlanned == scores.length) {
            return scores;
        }
        int[] followed = new int[scores.length];
        for (int i = 0; i < followed.length; i++) {
            followed[i] = i == firstPlanned || (i > firstPlanned && planned.contains(nodeNames.get(i)))
                    ? ExsNormalizer.MAX_EXTENDER_PRIORITY
                    : Math.max(0, scores[i] - 1);
        }
        return followed;
    }

    /** The greedy start: the pods so far, each node's union and count, and each workload's replicas per domain. */
    private final class Start {
        private final int n;
        private final int[] podLimit;
        private final int[] zoneOfNode;
        private final int zoneCount;
        private final long[][] unions;
        private final int[] counts;
        private final Map<Integer, int[]> onNode = new HashMap<>();
        private final Map<Integer, int[]> inZone = new HashMap<>();
        private final List<long[]> sets = new ArrayList<>();
        private final List<Integer> workloadOf = new ArrayList<>();
        private final List<Integer> nodeOf = new ArrayList<>();
        private final List<Boolean> pinned = new ArrayList<>();
        private final List<String> demandOf = new ArrayList<>();

        Start(int n, int[] podLimit, int[] zoneOfNode, int zoneCount) {
            this.n = n;
            this.podLimit = podLimit;
            this.zoneOfNode = zoneOfNode;
            this.zoneCount = zoneCount;
            this.unions = new long[n][];
            this.counts = new int[n];
        }

        boolean fits(int workload, int node, int cap, int zoneCap) {
            if (counts[node] >= podLimit[node]) {
                return false;
            }
            if (workload < 0) {
                return true;
            }
            if (onNode.computeIfAbsent(workload, k -> new int[n])[node] >= cap) {
                return false;
            }
            int zone = zoneOfNode[node];
            return zone < 0 || inZone.computeIfAbsent(workload, k -> new int[zoneCount])[zone] < zoneCap;
        }

        /** The node with room whose marginal ExS for {@code set} is lowest (an empty one costs the opening cost). */
        int cheapest(SyscallSet set, int workload, int cap, int zoneCap) {
            long own = weights.weigh(set);
            int best = -1;
            long bestCost = Long.MAX_VALUE;
            for (int node = 0; node < n; node++) {
                if (!fits(workload, node, cap, zoneCap)) {
                    continue;
                }
                long cost;
                if (counts[node] == 0) {
                    cost = openingCost;
                } else {
                    long union = weights.weigh(unions[node]);
                    long joined = weights.weighUnion(unions[node], set);
                    cost = counts[node] * (joined - union) + joined - own; // k·w(P ∖ U) + w(U ∖ P)
                }
                if (cost < bestCost) {
                    bestCost = cost;
                    best = node;
                }
            }
            return best;
        }

        void add(SyscallSet set, int workload, int node, boolean isPinned, String demand) {
            long[] words = set.toWords();
            long[] union = unions[node];
            if (union == null || union.length < words.length) {
                union = union == null ? new long[words.length] : java.util.Arrays.copyOf(union, words.length);
            }
            for (int w = 0; w < words.length; w++) {
                union[w] |= words[w];
            }
            unions[node] = union;
            counts[node]++;
            if (workload >= 0) {
                onNode.computeIfAbsent(workload, k -> new int[n])[node]++;
                if (zoneOfNode[node] >= 0) {
                    inZone.computeIfAbsent(workload, k -> new int[zoneCount])[zoneOfNode[node]]++;
                }
            }
            sets.add(words);
            workloadOf.add(workload);
            nodeOf.add(node);
            pinned.add(isPinned);
            demandOf.add(demand);
        }

        PlacementAnnealer.Problem problem() {
            int p = sets.size();
            boolean[] pins = new boolean[p];
            int[] workloadsOf = new int[p];
            int[] starts = new int[p];
            for (int i = 0; i < p; i++) {
                pins[i] = pinned.get(i);
                workloadsOf[i] = workloadOf.get(i);
                starts[i] = nodeOf.get(i);
            }
            long[] unlimited = new long[n];
            java.util.Arrays.fill(unlimited, Long.MAX_VALUE);
            return new PlacementAnnealer.Problem(
                    podLimit,
                    unlimited,
                    unlimited.clone(),
                    zoneOfNode,
                    sets.toArray(long[][]::new),
                    new long[p],
                    new long[p],
                    workloadsOf,
                    starts,
                    pins);
        }
    }
}
