package io.github.sysched.syscall;

import java.util.Map;
import java.util.TreeMap;

/**
 * Per-name weights for weighted ExS. Every name weighs {@code defaultWeight} unless listed; weights
 * are whole numbers so weighted scores stay exact integers, as the unweighted ones are.
 *
 * <p>The weight of a set is {@code defaultWeight·|S| + Σ_{n ∈ S ∩ listed} (w(n) − defaultWeight)},
 * so uniform weights cost one popcount per word.
 */
public final class SyscallWeights {

    private static final SyscallWeights UNIFORM = new SyscallWeights(1, Map.of());

    private final long defaultWeight;
    private final Map<String, Long> listed;
    private final int[] listedIndices;
    private final long[] listedDeltas;

    private SyscallWeights(long defaultWeight, Map<String, Long> weights) {
        if (defaultWeight < 0) {
            throw new IllegalArgumentException("default syscall weight must be >= 0, got " + defaultWeight);
        }
        this.defaultWeight = defaultWeight;
        this.listed = new TreeMap<>(weights);
        SyscallTable table = SyscallTable.x86_64();
        this.listedIndices = new int[listed.size()];
        this.listedDeltas = new long[listed.size()];
        int i = 0;
        for (Map.Entry<String, Long> e : listed.entrySet()) {
            if (e.getValue() == null || e.getValue() < 0) {
                throw new IllegalArgumentException(
                        "weight of syscall '" + e.getKey() + "' must be >= 0, got " + e.getValue());
            }
            listedIndices[i] = table.intern(e.getKey());
            listedDeltas[i] = e.getValue() - defaultWeight;
            i++;
        }
    }

    /** Every name weighs 1: weighted ExS equals plain ExS. */
    public static SyscallWeights uniform() {
        return UNIFORM;
    }

    public static SyscallWeights of(long defaultWeight, Map<String, Long> weights) {
        return weights.isEmpty() && defaultWeight == 1 ? UNIFORM : new SyscallWeights(defaultWeight, weights);
    }

    public boolean isUniform() {
        return listedIndices.length == 0 && defaultWeight == 1;
    }

    public long defaultWeight() {
        return defaultWeight;
    }

    public Map<String, Long> listed() {
        return Map.copyOf(listed);
    }

    /** Weight of the set whose bitset is {@code words}. */
    public long weigh(long[] words) {
        return weigh(words, 0, words.length);
    }

    /** Weight of the set whose words are {@code words[offset, offset + length)}. */
    public long weigh(long[] words, int offset, int length) {
        long count = 0;
        for (int w = 0; w < length; w++) {
            count += Long.bitCount(words[offset + w]);
        }
        long total = defaultWeight * count;
        for (int i = 0; i < listedIndices.length; i++) {
            int index = listedIndices[i];
            int w = index >>> 6;
            if (w < length && (words[offset + w] & (1L << index)) != 0) {
                total += listedDeltas[i];
            }
        }
        return total;
    }

    public long weigh(SyscallSet set) {
        return weigh(SyscallSet.wordsOf(set));
    }

    /** Weight of {@code words ∪ set} without building the union. */
    public long weighUnion(long[] words, SyscallSet set) {
        return weighUnion(words, 0, words.length, set);
    }

    /**
     * Weight of {@code words[offset, offset + length) ∪ set} without building the union: one set among others packed
     * in one array (the {@code ExsEngine}'s node unions).
     */
    public long weighUnion(long[] words, int offset, int length, SyscallSet set) {
        long[] other = SyscallSet.wordsOf(set);
        int common = Math.min(length, other.length);
        long count = 0;
        for (int w = 0; w < common; w++) {
            count += Long.bitCount(words[offset + w] | other[w]);
        }
        for (int w = common; w < length; w++) {
            count += Long.bitCount(words[offset + w]);
        }
        for (int w = common; w < other.length; w++) {
            count += Long.bitCount(other[w]);
        }
        long total = defaultWeight * count;
        for (int i = 0; i < listedIndices.length; i++) {
            int index = listedIndices[i];
            int w = index >>> 6;
            long bit = 1L << index;
            if ((w < length && (words[offset + w] & bit) != 0) || (w < other.length && (other[w] & bit) != 0)) {
                total += listedDeltas[i];
            }
        }
        return total;
    }
}
