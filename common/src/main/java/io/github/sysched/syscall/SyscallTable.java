package io.github.sysched.syscall;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The interning table that gives every name a bit position.
 *
 * <p>The first part is the x86_64 system call table: bit {@code n} is syscall number {@code n}, generated
 * from the kernel's {@code asm/unistd_64.h} (see {@code tools/generate-syscall-table.sh}). Numbers are
 * the kernel ABI, so positions are stable across releases of this project and across processes.
 * Names that are not x86_64 syscalls ({@code procexit}, {@code signaldeliver}, {@code container} appear
 * in real profiles; upstream SySched compares plain strings) are interned after the stable part, in
 * first-seen order. Those positions are local to one process: never persist a bit position of a
 * dynamic name, persist the name (the annotation codec does).
 */
public final class SyscallTable {

    /** Dynamic names are capped so a hostile stream of profiles cannot grow every bitset without bound. */
    public static final int MAX_DYNAMIC_NAMES = 16_384;

    private static final String RESOURCE = "x86_64.tsv";
    private static final SyscallTable X86_64 = load();

    private final String[] stableNames;
    private final int stableLimit;
    private final Map<String, Integer> indexByName = new ConcurrentHashMap<>();
    private final List<String> dynamicNames = new ArrayList<>();
    private volatile String[] dynamicSnapshot = new String[0];

    private SyscallTable(String[] stableNames) {
        this.stableNames = stableNames;
        this.stableLimit = stableNames.length;
        for (int i = 0; i < stableNames.length; i++) {
            if (stableNames[i] != null) {
                indexByName.put(stableNames[i], i);
            }
        }
    }

    /** The process-wide table (x86_64 syscall numbers first, then dynamically interned names). */
    public static SyscallTable x86_64() {
        return X86_64;
    }

    /** Bit position of {@code name}, interning it when it is not a known syscall. */
    public int intern(String name) {
        Integer known = indexByName.get(requireValidName(name));
        if (known != null) {
            return known;
        }
        synchronized (dynamicNames) {
            known = indexByName.get(name);
            if (known != null) {
                return known;
            }
            if (dynamicNames.size() >= MAX_DYNAMIC_NAMES) {
                throw new IllegalStateException("more than " + MAX_DYNAMIC_NAMES
                        + " distinct non-syscall names seen; refusing to intern '" + name + "'");
            }
            int index = stableLimit + dynamicNames.size();
            dynamicNames.add(name);
            dynamicSnapshot = dynamicNames.toArray(new String[0]);
            indexByName.put(name, index);
            return index;
        }
    }

    /** Bit position of {@code name}, or -1 when it was never seen (does not intern). */
    public int indexOf(String name) {
        Integer index = indexByName.get(name);
        return index == null ? -1 : index;
    }

    /** Name at a bit position. */
    public String name(int index) {
        if (index >= 0 && index < stableLimit) {
            String name = stableNames[index];
            if (name == null) {
                throw new IllegalArgumentException("x86_64 has no syscall number " + index);
            }
            return name;
        }
        String[] dynamic = dynamicSnapshot;
        int d = index - stableLimit;
        if (d < 0 || d >= dynamic.length) {
            throw new IllegalArgumentException("no name at bit position " + index);
        }
        return dynamic[d];
    }

    /** One past the highest x86_64 syscall number: positions below it are syscall numbers. */
    public int stableLimit() {
        return stableLimit;
    }

    /** The x86_64 syscall number of {@code name}, empty for a non-syscall name. */
    public OptionalInt syscallNumber(String name) {
        Integer index = indexByName.get(name);
        return index != null && index < stableLimit ? OptionalInt.of(index) : OptionalInt.empty();
    }

    /** True when {@code number} is an x86_64 syscall number of this table. */
    public boolean isSyscallNumber(int number) {
        return number >= 0 && number < stableLimit && stableNames[number] != null;
    }

    /**
     * Every x86_64 syscall numbered {@code 0..maxNumber}: the universe a deny-list profile is
     * measured against (the Confine profiles were made on a kernel whose table ended at 332).
     */
    public SyscallSet syscallsNumberedUpTo(int maxNumber) {
        int limit = Math.min(maxNumber + 1, stableLimit);
        long[] words = new long[(limit + 63) >>> 6];
        for (int i = 0; i < limit; i++) {
            if (stableNames[i] != null) {
                words[i >>> 6] |= 1L << i;
            }
        }
        return SyscallSet.ofWords(this, words);
    }

    /** Every x86_64 syscall this table knows. */
    public SyscallSet allSyscalls() {
        return syscallsNumberedUpTo(stableLimit - 1);
    }

    /** The highest syscall number of this table. */
    public int maxSyscallNumber() {
        return stableLimit - 1;
    }

    private static String requireValidName(String name) {
        Objects.requireNonNull(name, "syscall name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("syscall name must not be blank");
        }
        if (name.length() > 128) {
            throw new IllegalArgumentException(
                    "syscall name longer than 128 characters: '" + name.substring(0, 32) + "...'");
        }
        return name;
    }

    private static SyscallTable load() {
        try (InputStream in = SyscallTable.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + RESOURCE);
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String[] names = new String[0];
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] fields = line.split("\t");
                int number = Integer.parseInt(fields[0].trim());
                if (number >= names.length) {
                    names = Arrays.copyOf(names, number + 1);
                }
                names[number] = fields[1].trim();
            }
            return new SyscallTable(names);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
