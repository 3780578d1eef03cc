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
import java.util.concurrent.locks.StampedLock;

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
 * the pod) instead of recomputing the union. What a score reads is flat: each node with pods has a <em>slot</em>, and
 * its k, Σ, w(U) and the words of U are elements of arrays indexed by the slot (U's words at {@code slot × stride} in
 * one {@code long[]}), so scoring 5,000 nodes walks a few arrays instead of following five references per node (B7
 * found those cache misses to be most of the scoring time at 5,000 nodes). A caller that keeps its node names between
 * calls can keep each name's slot too ({@link SlotHints}) and spare the map lookup.
 *
 * <p>Writers serialize on the engine and change the arrays under a write lock; readers share a read lock, so a score
 * is computed from one consistent state of the whole engine (every node as it was between two updates, a
 * {@link #replaceAll resync} whole or not at all).
 */
public final class ExsEngine {

    /**
     * Node names that remember, per name, the slot the engine last found it in: a hint the engine checks (the slot
     * must still hold the very same {@link String#intern() interned} name) before it trusts it, and corrects when
     * stale. {@link #marginal} and {@link #rawScores} use it when their list implements it (the extender's decoded
     * requests, whose canonical names live as long as its name table).
     */
    public interface SlotHints {
        /** The hint for the name at {@code index}; negative: none. */
        int slotHint(int index);

        void slotHint(int index, int slot);
    }

    private static final int INITIAL_SLOTS = 64;

    private final SyscallWeights weights;
    private final Map<String, Placement> placements = new ConcurrentHashMap<>();
    private final StampedLock lock = new StampedLock();

    // Changed only under the write lock, read under the read lock.
    /** Nodes with at least one pod. */
    private final Map<String, NodeState> nodes = new HashMap<>();
    /** Per slot: the node's (interned) name, null for a free slot. */
    private String[] names = new String[INITIAL_SLOTS];
    /** Per slot: k, the node's pods. */
    private int[] podCounts = new int[INITIAL_SLOTS];
    /** Per slot: Σᵢ w(Sᵢ). */
    private long[] podWeightSums = new long[INITIAL_SLOTS];
    /** Per slot: w(U). */
    private long[] unionWeights = new long[INITIAL_SLOTS];
    /** The words of each slot's U, {@code stride} per slot. */
    private long[] unions = new long[0];

    private int stride;
    /** Slots ever used: {@code [0, slotCount)}; the free ones among them are in {@code freeSlots}. */
    private int slotCount;

    private int[] freeSlots = new int[INITIAL_SLOTS];
    private int freeCount;

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
        if (previous != null && previous.nodeName.equals(nodeName) && previous.syscalls.equals(syscalls)) {
            return;
        }
        long stamp = lock.writeLock();
        try {
            if (previous != null) {
                removeLocked(podUid);
            }
            addLocked(podUid, nodeName, syscalls);
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    /** Stops counting pod {@code podUid}; false when it was not counted. */
    public synchronized boolean remove(String podUid) {
        if (!placements.containsKey(podUid)) {
            return false;
        }
        long stamp = lock.writeLock();
        try {
            return removeLocked(podUid);
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    /** Replaces the whole state (a resync): afterwards exactly {@code pods} are counted. */
    public synchronized void replaceAll(Map<String, Map.Entry<String, SyscallSet>> podsByUid) {
        long stamp = lock.writeLock();
        try {
            placements.clear();
            nodes.clear();
            names = new String[INITIAL_SLOTS];
            podCounts = new int[INITIAL_SLOTS];
            podWeightSums = new long[INITIAL_SLOTS];
            unionWeights = new long[INITIAL_SLOTS];
            unions = new long[0];
            stride = 0;
            slotCount = 0;
            freeCount = 0;
            podsByUid.forEach(
                    (uid, placement) -> addLocked(uid, placement.getKey().intern(), placement.getValue()));
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    private void addLocked(String podUid, String nodeName, SyscallSet syscalls) {
        NodeState node = nodes.get(nodeName);
        if (node == null) {
            node = new NodeState(allocateSlot(nodeName));
            nodes.put(nodeName, node);
        }
        int words = syscalls.wordCount();
        if (words > stride) {
            restride(words);
        }
        if (words * 64 > node.allowCount.length) {
            node.allowCount = Arrays.copyOf(node.allowCount, words * 64);
        }
        int slot = node.slot;
        int base = slot * stride;
        for (int w = 0; w < words; w++) {
            long word = syscalls.word(w);
            unions[base + w] |= word;
            while (word != 0) {
                node.allowCount[(w << 6) + Long.numberOfTrailingZeros(word)]++;
                word &= word - 1;
            }
        }
        podCounts[slot]++;
        podWeightSums[slot] += weights.weigh(syscalls);
        unionWeights[slot] = weights.weigh(unions, base, stride);
        placements.put(podUid, new Placement(nodeName, syscalls));
    }

    private boolean removeLocked(String podUid) {
        Placement placement = placements.remove(podUid);
        if (placement == null) {
            return false;
        }
        NodeState node = nodes.get(placement.nodeName);
        int slot = node.slot;
        int base = slot * stride;
        SyscallSet syscalls = placement.syscalls;
        for (int w = 0; w < syscalls.wordCount(); w++) {
            long word = syscalls.word(w);
            while (word != 0) {
                int index = (w << 6) + Long.numberOfTrailingZeros(word);
                if (--node.allowCount[index] == 0) {
                    unions[base + w] &= ~(1L << index);
                }
                word &= word - 1;
            }
        }
        podWeightSums[slot] -= weights.weigh(syscalls);
        unionWeights[slot] = weights.weigh(unions, base, stride);
        if (--podCounts[slot] == 0) {
            nodes.remove(placement.nodeName);
            freeSlot(slot);
        }
        return true;
    }

    private int allocateSlot(String nodeName) {
        int slot;
        if (freeCount > 0) {
            slot = freeSlots[--freeCount];
        } else {
            if (slotCount == names.length) {
                int capacity = names.length * 2;
                names = Arrays.copyOf(names, capacity);
                podCounts = Arrays.copyOf(podCounts, capacity);
                podWeightSums = Arrays.copyOf(podWeightSums, capacity);
                unionWeights = Arrays.copyOf(unionWeights, capacity);
                unions = Arrays.copyOf(unions, capacity * stride);
            }
            slot = slotCount++;
        }
        names[slot] = nodeName;
        return slot;
    }

    /** A node without pods gives its slot back; its union, counts and sums are 0 by then. */
    private void freeSlot(int slot) {
        names[slot] = null;
        Arrays.fill(unions, slot * stride, (slot + 1) * stride, 0L);
        podWeightSums[slot] = 0;
        unionWeights[slot] = 0;
        if (freeCount == freeSlots.length) {
            freeSlots = Arrays.copyOf(freeSlots, freeCount * 2);
        }
        freeSlots[freeCount++] = slot;
    }

    /** A set with more words than any before: every slot's union gets {@code words} words. */
    private void restride(int words) {
        long[] wider = new long[names.length * words];
        for (int slot = 0; slot < slotCount; slot++) {
            System.arraycopy(unions, slot * stride, wider, slot * words, stride);
        }
        unions = wider;
        stride = words;
    }

    /** The slot of {@code nodeName}, -1 for a node without pods; under the read or write lock. */
    private int slotOf(String nodeName) {
        NodeState node = nodes.get(nodeName);
        return node == null ? -1 : node.slot;
    }

    /** The slot of the name at {@code index}, through its hint when it is right; under the read lock. */
    private int slotOf(List<String> nodeNames, SlotHints hints, int index) {
        String name = nodeNames.get(index);
        if (hints == null) {
            return slotOf(name);
        }
        int hint = hints.slotHint(index);
        if (hint >= 0 && hint < slotCount && names[hint] == name) {
            return hint;
        }
        int slot = slotOf(name);
        if (slot >= 0) {
            hints.slotHint(index, slot);
        }
        return slot;
    }

    /** ExS the incoming pod would add on {@code nodeName} (raw, lower is better; 0 for an empty node). */
    public long rawScore(String nodeName, SyscallSet incoming) {
        long incomingWeight = weights.weigh(incoming);
        long stamp = lock.readLock();
        try {
            int slot = slotOf(nodeName);
            return slot < 0 ? 0 : rawScore(slot, incoming, incomingWeight);
        } finally {
            lock.unlockRead(stamp);
        }
    }

    /** {@link #rawScore} for each node, in order. */
    public long[] rawScores(List<String> nodeNames, SyscallSet incoming) {
        long incomingWeight = weights.weigh(incoming);
        long[] scores = new long[nodeNames.size()];
        SlotHints hints = nodeNames instanceof SlotHints cached ? cached : null;
        long stamp = lock.readLock();
        try {
            for (int i = 0; i < scores.length; i++) {
                int slot = slotOf(nodeNames, hints, i);
                scores[i] = slot < 0 ? 0 : rawScore(slot, incoming, incomingWeight);
            }
        } finally {
            lock.unlockRead(stamp);
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
     * {@link #marginalScores} and the pod counts in one pass over the nodes' slots: at 5,000 names finding the
     * nodes' state is most of the cost (B7), so a list implementing {@link SlotHints} is read through its hints.
     */
    public Marginal marginal(List<String> nodeNames, SyscallSet incoming) {
        long incomingWeight = weights.weigh(incoming);
        long[] added = new long[nodeNames.size()];
        int[] counts = new int[added.length];
        SlotHints hints = nodeNames instanceof SlotHints cached ? cached : null;
        long stamp = lock.readLock();
        try {
            for (int i = 0; i < added.length; i++) {
                int slot = slotOf(nodeNames, hints, i);
                if (slot >= 0) {
                    int k = podCounts[slot];
                    counts[i] = k;
                    added[i] = (k + 1L) * weights.weighUnion(unions, slot * stride, stride, incoming)
                            - k * unionWeights[slot]
                            - incomingWeight;
                }
            }
        } finally {
            lock.unlockRead(stamp);
        }
        return new Marginal(added, counts);
    }

    private long rawScore(int slot, SyscallSet incoming, long incomingWeight) {
        long unionWeight = weights.weighUnion(unions, slot * stride, stride, incoming);
        return (podCounts[slot] + 1L) * unionWeight - (podWeightSums[slot] + incomingWeight);
    }

    public Optional<NodeSnapshot> node(String nodeName) {
        long stamp = lock.readLock();
        try {
            int slot = slotOf(nodeName);
            return slot < 0 ? Optional.empty() : Optional.of(snapshot(slot));
        } finally {
            lock.unlockRead(stamp);
        }
    }

    public Collection<NodeSnapshot> nodes() {
        List<NodeSnapshot> snapshots;
        long stamp = lock.readLock();
        try {
            snapshots = new ArrayList<>(nodes.size());
            for (NodeState node : nodes.values()) {
                snapshots.add(snapshot(node.slot));
            }
        } finally {
            lock.unlockRead(stamp);
        }
        snapshots.sort(java.util.Comparator.comparing(NodeSnapshot::nodeName));
        return snapshots;
    }

    /** Σ over nodes of each node's own ExS: the exposure the current placement leaves in the cluster. */
    public long clusterExs() {
        long stamp = lock.readLock();
        try {
            long total = 0;
            for (int slot = 0; slot < slotCount; slot++) {
                total += podCounts[slot] * unionWeights[slot] - podWeightSums[slot]; // 0 for a free slot
            }
            return total;
        } finally {
            lock.unlockRead(stamp);
        }
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
        long stamp = lock.readLock();
        try {
            int slot = slotOf(nodeName);
            return slot < 0
                    ? SyscallSet.empty()
                    : SyscallSet.fromWords(Arrays.copyOfRange(unions, slot * stride, (slot + 1) * stride));
        } finally {
            lock.unlockRead(stamp);
        }
    }

    /** Under the read lock. */
    private NodeSnapshot snapshot(int slot) {
        int surface = 0;
        for (int w = slot * stride, end = w + stride; w < end; w++) {
            surface += Long.bitCount(unions[w]);
        }
        int k = podCounts[slot];
        return new NodeSnapshot(
                names[slot], k, surface, podWeightSums[slot], k * unionWeights[slot] - podWeightSums[slot]);
    }

    private record Placement(String nodeName, SyscallSet syscalls) {}

    /** A node's slot and how many of its pods allow each name: the writers' side, changed under the write lock. */
    private static final class NodeState {
        private final int slot;
        private int[] allowCount = new int[0];

        NodeState(int slot) {
            this.slot = slot;
        }
    }

    /** For tests and diagnostics: pods counted per node. */
    public Map<String, Integer> podsPerNode() {
        long stamp = lock.readLock();
        try {
            Map<String, Integer> counts = new HashMap<>();
            nodes.forEach((name, node) -> counts.put(name, podCounts[node.slot]));
            return counts;
        } finally {
            lock.unlockRead(stamp);
        }
    }
}
