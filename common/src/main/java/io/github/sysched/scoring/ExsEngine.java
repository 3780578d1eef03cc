package io.github.sysched.scoring;

import io.github.sysched.syscall.SyscallSet;
import io.github.sysched.syscall.SyscallWeights;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Extraneous System Call (ExS) scores, as the SySched scheduler plugin defines them, at word-operation cost.
 *
 * <p>For a node with pods whose syscall sets are S₁..S_k (union U) and an incoming pod P, upstream computes
 * <pre>raw(P, node) = |U ∖ P| + Σᵢ |(U ∪ P) ∖ Sᵢ|        (0 for a node with no pods)</pre>
 * Since every Sᵢ ⊆ U ⊆ U ∪ P, each difference is a difference of cardinalities, so
 * <pre>raw(P, node) = (k+1)·|U ∪ P| − (Σᵢ|Sᵢ| + |P|)</pre>
 * which needs only U, k and Σᵢ|Sᵢ| per node: one OR and popcount per 64 names. The same identity holds
 * for any non-negative per-name weights w (|X| becomes w(X)).
 *
 * <p>Per node the engine keeps how many pods allow each name, so removing a pod updates U in O(names of
 * the pod) instead of recomputing the union. Writers serialize on the engine; readers never lock: each node
 * publishes an immutable view (U, k, Σ) that a score reads in one volatile load, so a score is always
 * computed from one consistent state of the node.
 */
public final class ExsEngine {

    private final SyscallWeights weights;
    private final Map<String, NodeState> nodes = new ConcurrentHashMap<>();
    private final Map<String, Placement> placements = new ConcurrentHashMap<>();

    public ExsEngine(SyscallWeights weights) {
        this.weights = weights;
    }

    public ExsEngine() {
        this(SyscallWeights.uniform());
    }

    public SyscallWeights weights() {
        return weights;
    }

    /**
     * Counts pod {@code podUid} on {@code nodeName} with {@code syscalls}; moves it if it was elsewhere. Node names are
     * kept {@link String#intern() interned}: a caller that looks nodes up with interned names (the extender's request
     * decoder does) matches them by identity instead of comparing characters.
     */
    public synchronized void place(String podUid, String nodeName, SyscallSet syscalls) {
        nodeName = nodeName.intern();
        Placement previous = placements.get(podUid);
        if (previous != null) {
            if (previous.nodeName.equals(nodeName) && previous.syscalls.equals(syscalls)) {
                return;
            }
            removeLocked(podUid);
        }
        nodes.computeIfAbsent(nodeName, NodeState::new).add(syscalls, weights);
        placements.put(podUid, new Placement(nodeName, syscalls));
    }

    /** Stops counting pod {@code podUid}; false when it was not counted. */
    public synchronized boolean remove(String podUid) {
        return removeLocked(podUid);
    }

    private boolean removeLocked(String podUid) {
        Placement placement = placements.remove(podUid);
        if (placement == null) {
            return false;
        }
        NodeState node = nodes.get(placement.nodeName);
        node.remove(placement.syscalls, weights);
        if (node.view.podCount == 0) {
            nodes.remove(placement.nodeName);
        }
        return true;
    }

    /** Replaces the whole state (a resync): afterwards exactly {@code pods} are counted. */
    public synchronized void replaceAll(Map<String, Map.Entry<String, SyscallSet>> podsByUid) {
        placements.clear();
        nodes.clear();
        podsByUid.forEach((uid, placement) -> place(uid, placement.getKey(), placement.getValue()));
    }

    /** ExS the incoming pod would add on {@code nodeName} (raw, lower is better; 0 for an empty node). */
    public long rawScore(String nodeName, SyscallSet incoming) {
        NodeState node = nodes.get(nodeName);
        return node == null ? 0 : rawScore(node.view, incoming);
    }

    /** {@link #rawScore} for each node, in order. */
    public long[] rawScores(List<String> nodeNames, SyscallSet incoming) {
        long incomingWeight = weights.weigh(incoming);
        long[] scores = new long[nodeNames.size()];
        for (int i = 0; i < scores.length; i++) {
            NodeState node = nodes.get(nodeNames.get(i));
            scores[i] = node == null ? 0 : rawScore(node.view, incoming, incomingWeight);
        }
        return scores;
    }

    /**
     * The exposure placing {@code incoming} on each node would <em>add</em> (0 for an empty node): the node's ExS
     * after minus before, {@code k·w(P ∖ U) + w(U ∖ P)} (each of the k pods gains P's extra names, P gains the
     * node's names it lacks) = (k+1)·w(U ∪ P) − k·w(U) − w(P). Unlike {@link #rawScores} it does not count the
     * exposure the node already has, which no placement of this pod can change.
     */
    public long[] marginalScores(List<String> nodeNames, SyscallSet incoming) {
        return marginal(nodeNames, incoming).added();
    }

    /**
     * What {@code incoming} would add on each node ({@link #marginalScores}) and the pods counted there (0 for a node
     * the engine does not know).
     */
    public record Marginal(long[] added, int[] podCounts) {}

    /**
     * {@link #marginalScores} and the pod counts in one pass, one lookup per node: at 5,000 names the lookups are
     * most of the cost (B7).
     */
    public Marginal marginal(List<String> nodeNames, SyscallSet incoming) {
        long incomingWeight = weights.weigh(incoming);
        long[] added = new long[nodeNames.size()];
        int[] podCounts = new int[added.length];
        for (int i = 0; i < added.length; i++) {
            NodeState node = nodes.get(nodeNames.get(i));
            if (node != null && node.view.podCount > 0) {
                NodeView view = node.view;
                podCounts[i] = view.podCount;
                added[i] = (view.podCount + 1L) * weights.weighUnion(view.union, incoming)
                        - view.podCount * view.unionWeight
                        - incomingWeight;
            }
        }
        return new Marginal(added, podCounts);
    }

    private long rawScore(NodeView view, SyscallSet incoming) {
        return rawScore(view, incoming, weights.weigh(incoming));
    }

    private long rawScore(NodeView view, SyscallSet incoming, long incomingWeight) {
        if (view.podCount == 0) {
            return 0;
        }
        long unionWeight = weights.weighUnion(view.union, incoming);
        return (view.podCount + 1L) * unionWeight - (view.podWeightSum + incomingWeight);
    }

    public Optional<NodeSnapshot> node(String nodeName) {
        NodeState node = nodes.get(nodeName);
        return node == null ? Optional.empty() : Optional.of(snapshot(nodeName, node.view));
    }

    public Collection<NodeSnapshot> nodes() {
        List<NodeSnapshot> snapshots = new ArrayList<>(nodes.size());
        nodes.forEach((name, node) -> snapshots.add(snapshot(name, node.view)));
        snapshots.sort(java.util.Comparator.comparing(NodeSnapshot::nodeName));
        return snapshots;
    }

    /** Σ over nodes of each node's own ExS: the exposure the current placement leaves in the cluster. */
    public long clusterExs() {
        long total = 0;
        for (NodeState node : nodes.values()) {
            NodeView view = node.view;
            total += view.podCount * view.unionWeight - view.podWeightSum;
        }
        return total;
    }

    public int podCount() {
        return placements.size();
    }

    /**
     * Every counted pod as UID → (node, syscall set), one consistent copy (as {@link #replaceAll} takes it): what a
     * reader that plans on the whole cluster (the rebalancer) starts from.
     */
    public synchronized Map<String, Map.Entry<String, SyscallSet>> placements() {
        Map<String, Map.Entry<String, SyscallSet>> copy = new HashMap<>(placements.size() * 2);
        placements.forEach((uid, placement) -> copy.put(uid, Map.entry(placement.nodeName, placement.syscalls)));
        return copy;
    }

    public Optional<String> nodeOf(String podUid) {
        Placement placement = placements.get(podUid);
        return placement == null ? Optional.empty() : Optional.of(placement.nodeName);
    }

    /** The union U of the node's pods (empty for an unknown node). */
    public SyscallSet attackSurface(String nodeName) {
        NodeState node = nodes.get(nodeName);
        return node == null ? SyscallSet.empty() : SyscallSet.fromWords(node.view.union);
    }

    private static NodeSnapshot snapshot(String name, NodeView view) {
        int surface = 0;
        for (long word : view.union) {
            surface += Long.bitCount(word);
        }
        return new NodeSnapshot(
                name, view.podCount, surface, view.podWeightSum, view.podCount * view.unionWeight - view.podWeightSum);
    }

    private record Placement(String nodeName, SyscallSet syscalls) {}

    /** What a score reads: immutable, published whole. */
    private record NodeView(long[] union, int podCount, long podWeightSum, long unionWeight) {}

    /** Mutable per-node counts, changed only under the engine's lock. */
    private static final class NodeState {
        private int[] allowCount = new int[0];
        private long[] union = new long[0];
        private int podCount;
        private long podWeightSum;
        private volatile NodeView view = new NodeView(new long[0], 0, 0, 0);

        NodeState(String ignoredName) {}

        void add(SyscallSet set, SyscallWeights weights) {
            int words = set.wordCount();
            if (words > union.length) {
                union = Arrays.copyOf(union, words);
                allowCount = Arrays.copyOf(allowCount, words * 64);
            }
            for (int w = 0; w < words; w++) {
                long word = set.word(w);
                union[w] |= word;
                while (word != 0) {
                    allowCount[(w << 6) + Long.numberOfTrailingZeros(word)]++;
                    word &= word - 1;
                }
            }
            podCount++;
            podWeightSum += weights.weigh(set);
            publish(weights);
        }

        void remove(SyscallSet set, SyscallWeights weights) {
            for (int w = 0; w < set.wordCount(); w++) {
                long word = set.word(w);
                while (word != 0) {
                    int index = (w << 6) + Long.numberOfTrailingZeros(word);
                    if (--allowCount[index] == 0) {
                        union[w] &= ~(1L << index);
                    }
                    word &= word - 1;
                }
            }
            podCount--;
            podWeightSum -= weights.weigh(set);
            publish(weights);
        }

        private void publish(SyscallWeights weights) {
            long[] copy = union.clone();
            view = new NodeView(copy, podCount, podWeightSum, weights.weigh(copy));
        }
    }

    /** For tests and diagnostics: pods counted per node. */
    public Map<String, Integer> podsPerNode() {
        Map<String, Integer> counts = new HashMap<>();
        nodes.forEach((name, node) -> counts.put(name, node.view.podCount));
        return counts;
    }
}
