package io.github.sysched.benchmarks;

import io.github.sysched.scoring.ExsEngine;
import io.github.sysched.syscall.SyscallSet;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * B5: heap held by the scheduler's ExS state for 150,000 pods on 5,000 nodes, measured as
 * {@code totalMemory − freeMemory} after repeated {@link System#gc()}.
 *
 * <p>Every pod gets its own {@link SyscallSet} instance (as decoding each pod's annotation would) and a
 * 36-character UID string. Two figures: the engine's own structures (sets and UIDs allocated before the
 * first reading), and everything (engine + sets + UIDs).
 */
final class HeapMeasure {

    record Result(String source, int pods, int nodes, double engineMiB, double totalMiB) {}

    private HeapMeasure() {}

    static Result run(int nodes, int pods, Path profileDir) {
        List<List<String>> pool = Fixtures.profilePool(profileDir, 0, 1);
        boolean confine = !pool.isEmpty();
        SplittableRandom random = new SplittableRandom(99);
        long before = usedAfterGc();
        String[] uids = new String[pods];
        SyscallSet[] sets = new SyscallSet[pods];
        SyscallSet[] poolSets = confine ? pool.stream().map(SyscallSet::of).toArray(SyscallSet[]::new) : null;
        for (int i = 0; i < pods; i++) {
            uids[i] = new UUID(random.nextLong(), random.nextLong()).toString();
            sets[i] = confine
                    ? SyscallSet.fromWords(poolSets[random.nextInt(poolSets.length)].toWords())
                    : SyscallSet.of(Fixtures.randomNames(random));
        }
        poolSets = null;
        long inputs = usedAfterGc();
        ExsEngine engine = new ExsEngine();
        for (int i = 0; i < pods; i++) {
            engine.place(uids[i], "node-" + (i % nodes), sets[i]);
        }
        uids = null;
        sets = null;
        long after = usedAfterGc();
        if (engine.podCount() != pods) {
            throw new IllegalStateException();
        }
        double mib = 1024.0 * 1024.0;
        Result result = new Result(
                confine ? "Confine profiles (" + pool.size() + ") from " + profileDir : "random 100-250-name sets",
                pods,
                nodes,
                (after - inputs) / mib,
                (after - before) / mib);
        java.lang.ref.Reference.reachabilityFence(engine);
        return result;
    }

    private static long usedAfterGc() {
        Runtime runtime = Runtime.getRuntime();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            used = Math.min(used, runtime.totalMemory() - runtime.freeMemory());
        }
        return used;
    }
}
