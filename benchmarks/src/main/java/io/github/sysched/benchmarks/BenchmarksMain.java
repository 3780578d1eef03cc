package io.github.sysched.benchmarks;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the benchmarks and prints ratios measured in the same run.
 *
 * <pre>
 * java -jar benchmarks.jar [b1] [b4] [b5]   (no argument: b1 b4 b5)
 * </pre>
 * JMH settings (short by default, the machine is shared): {@code -Dwi=2 -Di=3 -Dtime=3} (seconds per
 * iteration), one fork. {@code -Dsysched.profiles=DIR} chooses the Confine profile directory for b5. For full
 * JMH control use {@code java -cp benchmarks.jar org.openjdk.jmh.Main ...}.
 */
public final class BenchmarksMain {

    private BenchmarksMain() {}

    public static void main(String[] args) throws Exception {
        List<String> todo = new ArrayList<>(Arrays.asList(args));
        if (todo.isEmpty()) {
            todo.addAll(List.of("b5", "b1", "b4"));
        }
        // b5 first: it measures this JVM's heap, before JMH's own bookkeeping grows it.
        for (int i = 0; i < todo.size(); i++) {
            switch (todo.get(i).toLowerCase(Locale.ROOT)) {
                case "b1" -> b1();
                case "b4" -> b4();
                case "b5" -> b5();
                default ->
                    throw new IllegalArgumentException("unknown benchmark " + todo.get(i)
                            + " (b1, b4, b5; the placement simulator is the scheduler jar's simulate command)");
            }
        }
    }

    private static ChainedOptionsBuilder options(Class<?> benchmark) {
        return new OptionsBuilder()
                .include(benchmark.getName() + "\\.")
                .forks(1)
                .warmupIterations(Integer.getInteger("wi", 2))
                .measurementIterations(Integer.getInteger("i", 3))
                .warmupTime(TimeValue.seconds(Integer.getInteger("time", 3)))
                .measurementTime(TimeValue.seconds(Integer.getInteger("time", 3)))
                .jvmArgsAppend("-Xmx2g");
    }

    private static double score(Collection<RunResult> results, String method) {
        for (RunResult result : results) {
            if (result.getParams().getBenchmark().endsWith("." + method)) {
                return result.getPrimaryResult().getScore();
            }
        }
        throw new IllegalStateException("no result for " + method);
    }

    private static void b1() throws RunnerException {
        Collection<RunResult> results =
                new Runner(options(PrioritizeBenchmark.class).build()).run();
        double ours = score(results, "exsEngine");
        double baseline = score(results, "upstreamBaseline");
        System.out.printf(
                Locale.ROOT,
                "%nB1 prioritize, 5,000 nodes x 30 pods, one incoming pod:%n"
                        + "  ExsEngine rawScores+normalize : %,.1f ops/s%n"
                        + "  upstream-equivalent HashSets  : %,.3f ops/s%n"
                        + "  ratio                         : %,.0fx (target >= 100x)%n",
                ours,
                baseline,
                ours / baseline);
    }

    private static void b4() throws RunnerException {
        Collection<RunResult> results =
                new Runner(options(IppFilterBenchmark.class).build()).run();
        double ours = score(results, "classCounts");
        double baseline = score(results, "requiredAntiAffinity");
        System.out.printf(
                Locale.ROOT,
                "%nB4 IPP filter, 5,000 nodes x 30 pods, 20 classes, one incoming pod:%n"
                        + "  class counts + IppClass.mayShareNode : %,.1f ops/s%n"
                        + "  required pod anti-affinity (PreFilter+Filter) : %,.1f ops/s%n"
                        + "  ratio                                : %,.1fx%n",
                ours,
                baseline,
                ours / baseline);
    }

    private static void b5() {
        for (Path dir : new Path[] {null, Fixtures.profileDir()}) {
            HeapMeasure.Result r = HeapMeasure.run(5_000, 150_000, dir);
            System.out.printf(
                    Locale.ROOT,
                    "%nB5 heap, %,d pods on %,d nodes, %s:%n"
                            + "  ExsEngine structures          : %.1f MiB%n"
                            + "  engine + per-pod sets + UIDs  : %.1f MiB (target <= 64 MiB)%n",
                    r.pods(),
                    r.nodes(),
                    r.source(),
                    r.engineMiB(),
                    r.totalMiB());
            if (Fixtures.profileDir() == null) {
                break;
            }
        }
    }
}
