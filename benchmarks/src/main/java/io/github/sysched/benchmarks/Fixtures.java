package io.github.sysched.benchmarks;

import io.github.sysched.profile.SeccompJsonReader;
import io.github.sysched.syscall.SyscallSet;
import io.github.sysched.syscall.SyscallTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Syscall sets for the benchmarks: real Confine profiles when a directory is given, else random sets. Public for
 * the load generators ({@code benchmarks/load}), whose B2 cluster state uses B1's sets.
 */
public final class Fixtures {

    /** The universe the Confine deny-lists are measured against (x86_64 0..332). */
    public static final SyscallSet UNIVERSE = SyscallTable.x86_64().syscallsNumberedUpTo(332);

    public static final List<String> UNIVERSE_NAMES = UNIVERSE.names();

    private Fixtures() {}

    /** A random set of 100..250 names out of the 333, deterministic in {@code random}. */
    public static List<String> randomNames(SplittableRandom random) {
        int size = 100 + random.nextInt(151);
        List<String> names = new ArrayList<>(UNIVERSE_NAMES);
        for (int i = 0; i < size; i++) { // partial Fisher-Yates
            int j = i + random.nextInt(names.size() - i);
            String t = names.get(i);
            names.set(i, names.get(j));
            names.set(j, t);
        }
        return new ArrayList<>(names.subList(0, size));
    }

    /**
     * The profile pool: every {@code *.json} in {@code profileDir} (allowed against 0..332) when the directory
     * exists, else {@code fallback} random sets.
     */
    static List<List<String>> profilePool(Path profileDir, int fallback, long seed) {
        List<List<String>> pool = new ArrayList<>();
        if (profileDir != null && Files.isDirectory(profileDir)) {
            try (Stream<Path> files = Files.list(profileDir)) {
                files.filter(f -> f.toString().endsWith(".json"))
                        .sorted()
                        .forEach(f -> pool.add(SeccompJsonReader.read(f)
                                .allowedSyscalls(UNIVERSE)
                                .names()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        if (pool.isEmpty()) {
            SplittableRandom random = new SplittableRandom(seed);
            for (int i = 0; i < fallback; i++) {
                pool.add(randomNames(random));
            }
        }
        return pool;
    }

    /** {@code -Dsysched.profiles=DIR}, default {@code examples/simulation/profiles} if it exists. */
    static Path profileDir() {
        String configured = System.getProperty("sysched.profiles", "examples/simulation/profiles");
        Path dir = Path.of(configured);
        return Files.isDirectory(dir) ? dir : null;
    }
}
