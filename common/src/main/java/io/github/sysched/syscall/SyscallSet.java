package io.github.sysched.syscall;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.stream.IntStream;

/**
 * An immutable set of system call names, stored as a bitset over {@link SyscallTable}.
 *
 * <p>Union, difference and cardinality cost one operation per 64 names, which is what makes a node's
 * ExS a handful of word operations. Two sets are equal when they hold the same names.
 */
public final class SyscallSet {

    private static final long[] NO_WORDS = new long[0];
    private static final SyscallSet EMPTY = new SyscallSet(SyscallTable.x86_64(), NO_WORDS);

    private final SyscallTable table;
    private final long[] words; // no trailing zero words
    private final int cardinality;

    private SyscallSet(SyscallTable table, long[] words) {
        this.table = table;
        this.words = words;
        int count = 0;
        for (long word : words) {
            count += Long.bitCount(word);
        }
        this.cardinality = count;
    }

    public static SyscallSet empty() {
        return EMPTY;
    }

    public static SyscallSet of(String... names) {
        return of(Arrays.asList(names));
    }

    /** The set of {@code names} (duplicates collapse), interning names that are not syscalls. */
    public static SyscallSet of(Collection<String> names) {
        SyscallTable table = SyscallTable.x86_64();
        long[] words = NO_WORDS;
        for (String name : names) {
            int index = table.intern(name);
            int w = index >>> 6;
            if (w >= words.length) {
                words = Arrays.copyOf(words, Math.max(w + 1, words.length * 2));
            }
            words[w] |= 1L << index;
        }
        return ofWords(table, words);
    }

    /** The set with the given bit positions of the process-wide table. */
    public static SyscallSet ofIndices(int... indices) {
        SyscallTable table = SyscallTable.x86_64();
        long[] words = NO_WORDS;
        for (int index : indices) {
            table.name(index); // validates the position
            int w = index >>> 6;
            if (w >= words.length) {
                words = Arrays.copyOf(words, w + 1);
            }
            words[w] |= 1L << index;
        }
        return ofWords(table, words);
    }

    static SyscallSet ofWords(SyscallTable table, long[] words) {
        int length = words.length;
        while (length > 0 && words[length - 1] == 0) {
            length--;
        }
        if (length == 0) {
            return table == EMPTY.table ? EMPTY : new SyscallSet(table, NO_WORDS);
        }
        return new SyscallSet(table, length == words.length ? words : Arrays.copyOf(words, length));
    }

    /** The set built from a copy of {@code words} (bit i = position i of the process-wide table). */
    public static SyscallSet fromWords(long[] words) {
        SyscallSet set = ofWords(SyscallTable.x86_64(), words.clone());
        set.forEachIndex(set.table::name); // every bit must name something
        return set;
    }

    public SyscallSet union(SyscallSet other) {
        long[] longer = words.length >= other.words.length ? words : other.words;
        long[] shorter = longer == words ? other.words : words;
        long[] result = longer.clone();
        for (int i = 0; i < shorter.length; i++) {
            result[i] |= shorter[i];
        }
        return ofWords(table, result);
    }

    public SyscallSet difference(SyscallSet other) {
        long[] result = words.clone();
        int common = Math.min(words.length, other.words.length);
        for (int i = 0; i < common; i++) {
            result[i] &= ~other.words[i];
        }
        return ofWords(table, result);
    }

    public SyscallSet intersection(SyscallSet other) {
        int common = Math.min(words.length, other.words.length);
        long[] result = new long[common];
        for (int i = 0; i < common; i++) {
            result[i] = words[i] & other.words[i];
        }
        return ofWords(table, result);
    }

    public int cardinality() {
        return cardinality;
    }

    /** Sum of the weights of the names in this set (every name weighs 1 under uniform weights). */
    public long weightedCardinality(SyscallWeights weights) {
        return weights.weigh(words);
    }

    public boolean isEmpty() {
        return cardinality == 0;
    }

    public boolean contains(String name) {
        int index = table.indexOf(name);
        return index >= 0 && containsIndex(index);
    }

    public boolean containsIndex(int index) {
        int w = index >>> 6;
        return w < words.length && (words[w] & (1L << index)) != 0;
    }

    public boolean containsAll(SyscallSet other) {
        return other.difference(this).isEmpty();
    }

    /** Number of 64-bit words; word {@code i} holds positions {@code 64i..64i+63}. */
    public int wordCount() {
        return words.length;
    }

    public long word(int i) {
        return i < words.length ? words[i] : 0L;
    }

    /** A copy of the bitset words. */
    public long[] toWords() {
        return words.clone();
    }

    /** Bit positions in ascending order. */
    public IntStream indices() {
        return IntStream.range(0, words.length * 64).filter(this::containsIndex);
    }

    /** Names in bit-position order: x86_64 syscalls by number, then other names in first-seen order. */
    public List<String> names() {
        List<String> names = new ArrayList<>(cardinality);
        forEachIndex(i -> names.add(table.name(i)));
        return Collections.unmodifiableList(names);
    }

    private void forEachIndex(java.util.function.IntConsumer action) {
        for (int w = 0; w < words.length; w++) {
            long word = words[w];
            while (word != 0) {
                int bit = Long.numberOfTrailingZeros(word);
                action.accept((w << 6) + bit);
                word &= word - 1;
            }
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SyscallSet other && Arrays.equals(words, other.words) && table == other.table;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(words);
    }

    @Override
    public String toString() {
        return cardinality + names().toString();
    }

    SyscallTable table() {
        return table;
    }

    static long[] wordsOf(SyscallSet set) {
        return Objects.requireNonNull(set).words;
    }
}
