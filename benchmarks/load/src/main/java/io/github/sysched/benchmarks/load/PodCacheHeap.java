package io.github.sysched.benchmarks.load;

import io.github.sysched.demo.DemoHarness;
import io.github.sysched.demo.EmbeddedApiServer;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.List;
import java.util.Locale;

/**
 * B6: heap the scheduler extender holds for the pods of a 150,000-pod cluster on 5,000 nodes, learned the way B2
 * loads them (both services running, the pods stored in the embedded API, one watch event each through the
 * extender's pod informer): its informer cache, {@code ClusterState} and the ExS engine together.
 *
 * <p>Used heap after repeated full collections, three readings: {@code h0} with both services running on the
 * demo cluster; {@code h1} once the extender counts every pod; {@code h2} after the same nodes and pods are stored
 * once more in a second embedded API that nobody watches. The API's own store is then {@code h2 − h1}, and the
 * extender's share is {@code (h1 − h0) − (h2 − h1)}. B5 gives the engine's part (about 50 MiB).
 */
final class PodCacheHeap {

    private static final double MIB = 1024.0 * 1024.0;

    private final PrintStream out;

    PodCacheHeap(PrintStream out) {
        this.out = out;
    }

    boolean run() throws Exception {
        int pods = ExtenderRoundTrip.NODES * ExtenderRoundTrip.PODS_PER_NODE;
        ExtenderRoundTrip loader = new ExtenderRoundTrip(out, 0, 0);
        try (DemoHarness harness = DemoHarness.start(List.of())) {
            long h0 = usedAfterFullGc();
            loader.loadCluster(new StoreLoader(harness.store(), harness.client()));
            loader.awaitTrackedPods(harness, pods);
            long h1 = usedAfterFullGc();
            long h2;
            try (EmbeddedApiServer unwatched = new EmbeddedApiServer()) {
                loader.loadCluster(new StoreLoader(unwatched.store(), unwatched.client()));
                h2 = usedAfterFullGc();
            }
            double apiStore = (h2 - h1) / MIB;
            double extender = (h1 - h0) / MIB - apiStore;
            out.printf(
                    Locale.ROOT,
                    "[b6] used heap after full GC: h0 %.1f MiB (services up), h1 %.1f MiB "
                            + "(%,d pods counted), h2 %.1f MiB (same pods in an unwatched API)%n",
                    h0 / MIB,
                    h1 / MIB,
                    pods,
                    h2 / MIB);
            out.printf(
                    Locale.ROOT,
                    "[b6] embedded API store %.1f MiB; extender (pod informer cache + "
                            + "ClusterState + ExS engine) %.1f MiB for %,d pods on %,d nodes, %.0f bytes per pod%n",
                    apiStore,
                    extender,
                    pods,
                    ExtenderRoundTrip.NODES,
                    extender * MIB / pods);
            return true;
        }
    }

    /** Used heap after full collections, the least of five readings. */
    static long usedAfterFullGc() throws InterruptedException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long least = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            memory.gc();
            Thread.sleep(200);
            least = Math.min(least, memory.getHeapMemoryUsage().getUsed());
        }
        return least;
    }
}
