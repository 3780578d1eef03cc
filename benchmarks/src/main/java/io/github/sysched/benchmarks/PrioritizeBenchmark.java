package io.github.sysched.benchmarks;

import io.github.sysched.scoring.ExsEngine;
import io.github.sysched.scoring.ExsNormalizer;
import io.github.sysched.syscall.SyscallSet;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * B1: one prioritize call (raw ExS of one incoming pod on every node, then normalization) on 5,000 nodes with
 * 30 pods each, syscall sets of 100..250 random names out of x86_64 0..332.
 *
 * <p>{@link #exsEngine}: our {@link ExsEngine#rawScores} + {@link ExsNormalizer#normalize}.
 * {@link #upstreamBaseline}: what SySched's Score does per node, minus the API reads: sets of strings
 * ({@code HashSet<String>} per pod), per call and node the union U of all pods' sets, |U ∖ P| and for each
 * pod |(U ∪ P) ∖ Sᵢ|, each difference on a fresh set; then the same normalization.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class PrioritizeBenchmark {

    @Param("5000")
    public int nodes;

    @Param("30")
    public int podsPerNode;

    private ExsEngine engine;
    private List<String> nodeNames;
    private SyscallSet incoming;
    private List<List<Set<String>>> podSetsByNode;
    private Set<String> incomingNames;

    @Setup
    public void setUp() {
        SplittableRandom random = new SplittableRandom(20240601L);
        engine = new ExsEngine();
        nodeNames = new ArrayList<>(nodes);
        podSetsByNode = new ArrayList<>(nodes);
        for (int n = 0; n < nodes; n++) {
            String node = "node-" + n;
            nodeNames.add(node);
            List<Set<String>> pods = new ArrayList<>(podsPerNode);
            for (int p = 0; p < podsPerNode; p++) {
                List<String> names = Fixtures.randomNames(random);
                pods.add(new HashSet<>(names));
                engine.place(node + "-pod-" + p, node, SyscallSet.of(names));
            }
            podSetsByNode.add(pods);
        }
        List<String> names = Fixtures.randomNames(random);
        incoming = SyscallSet.of(names);
        incomingNames = new HashSet<>(names);
        // Both must agree on every node.
        long[] ours = engine.rawScores(nodeNames, incoming);
        long[] theirs = upstreamRaw();
        if (!java.util.Arrays.equals(ours, theirs)) {
            throw new IllegalStateException("ExsEngine and the upstream baseline disagree");
        }
    }

    @Benchmark
    public int[] exsEngine() {
        return ExsNormalizer.normalize(engine.rawScores(nodeNames, incoming));
    }

    @Benchmark
    public int[] upstreamBaseline() {
        long[] raw = upstreamRaw();
        long max = 0;
        for (long r : raw) {
            max = Math.max(max, r);
        }
        int[] normalized = new int[raw.length];
        for (int i = 0; i < raw.length; i++) {
            normalized[i] = max == 0 ? 100 : (int) (100 - 100 * raw[i] / max);
        }
        return normalized;
    }

    private long[] upstreamRaw() {
        long[] raw = new long[podSetsByNode.size()];
        for (int n = 0; n < raw.length; n++) {
            List<Set<String>> pods = podSetsByNode.get(n);
            if (pods.isEmpty()) {
                continue;
            }
            Set<String> union = new HashSet<>();
            for (Set<String> pod : pods) {
                union.addAll(pod);
            }
            Set<String> extraneousForIncoming = new HashSet<>(union);
            extraneousForIncoming.removeAll(incomingNames);
            long total = extraneousForIncoming.size();
            Set<String> unionWithIncoming = new HashSet<>(union);
            unionWithIncoming.addAll(incomingNames);
            for (Set<String> pod : pods) {
                Set<String> extraneous = new HashSet<>(unionWithIncoming);
                extraneous.removeAll(pod);
                total += extraneous.size();
            }
            raw[n] = total;
        }
        return raw;
    }
}
