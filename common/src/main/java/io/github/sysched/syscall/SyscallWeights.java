package io.github.sysched.syscall;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Per-name weights for weighted ExS. Every name weighs {@code defaultWeight} unless listed; weights
 * are whole numbers so weighted scores stay exact integers, as the unweighted ones are.
 *
 * <p>The weight of a set is {@code defaultWeight·|S| + Σ_{n ∈ S ∩ listed} (w(n) − defaultWeight)}: one popcount
 * per word, plus one per word of a mask for each distinct listed weight (the extender weighs a union per candidate
 * node, so a list of 20 names at one weight costs two popcounts per word, not 20 bit tests).
 */
public final class SyscallWeights {

    private static final SyscallWeights UNIFORM = new SyscallWeights(1, Map.of());

    private final long defaultWeight;
    private final Map<String, Long> listed;
    /** One bitset per distinct listed weight: its names, and their weight minus the default. */
    private final long[][] deltaMasks;

    private final long[] deltas;

    private SyscallWeights(long defaultWeight, Map<String, Long> weights) {
        if (defaultWeight < 0) {
            throw new IllegalArgumentException("default syscall weight must be >= 0, got " + defaultWeight);
        }
        this.defaultWeight = defaultWeight;
        this.listed = new TreeMap<>(weights);
        SyscallTable table = SyscallTable.x86_64();
        Map<Long, List<Integer>> indicesByDelta = new TreeMap<>();
        for (Map.Entry<String, Long> e : listed.entrySet()) {
            if (e.getValue() == null || e.getValue() < 0) {
                throw new IllegalArgumentException(
                        "weight of syscall '" + e.getKey() + "' must be >= 0, got " + e.getValue());
            }
            long delta = e.getValue() - defaultWeight;
            if (delta != 0) {
                indicesByDelta.computeIfAbsent(delta, d -> new ArrayList<>()).add(table.intern(e.getKey()));
            }
        }
        this.deltaMasks = new long[indicesByDelta.size()][];
        this.deltas = new long[indicesByDelta.size()];
        int group = 0;
        for (Map.Entry<Long, List<Integer>> e : indicesByDelta.entrySet()) {
            int highest =
                    e.getValue().stream().mapToInt(Integer::intValue).max().orElseThrow();
            long[] mask = new long[(highest >>> 6) + 1];
            for (int index : e.getValue()) {
                mask[index >>> 6] |= 1L << index;
            }
            deltaMasks[group] = mask;
            deltas[group] = e.getKey();
            group++;
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
        return deltas.length == 0 && defaultWeight == 1;
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
        for (int g = 0; g < deltas.length; g++) {
            long[] mask = deltaMasks[g];
            int shared = Math.min(length, mask.length);
            long listedCount = 0;
            for (int w = 0; w < shared; w++) {
                listedCount += Long.bitCount(words[offset + w] & mask[w]);
            }
            total += deltas[g] * listedCount;
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
        for (int g = 0; g < deltas.length; g++) {
            long[] mask = deltaMasks[g];
            long listedCount = 0;
            for (int w = 0; w < mask.length; w++) {
                long union = (w < length ? words[offset + w] : 0L) | (w < other.length ? other[w] : 0L);
                listedCount += Long.bitCount(union & mask[w]);
            }
            total += deltas[g] * listedCount;
        }
        return total;
    }
}
