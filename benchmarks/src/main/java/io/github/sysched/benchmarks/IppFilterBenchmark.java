package io.github.sysched.benchmarks;

import io.github.sysched.ipp.IppClass;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * B4: the IPP isolation decision for one incoming pod over 5,000 nodes with 30 pods each (20 classes, every
 * node holding pods of one class, as IPP guarantees).
 *
 * <p>{@link #classCounts}: our filter: per node a map class → pod count, {@link IppClass#mayShareNode}.
 * {@link #requiredAntiAffinity}: the same rule as IPP's {@code compat} mode expresses it, evaluated the way
 * kube-scheduler's InterPodAffinity plugin has to (PreFilter + Filter, topology key
 * {@code kubernetes.io/hostname}): every existing pod is tested against the incoming pod's required
 * anti-affinity term ({@code ipp-class NotIn [c]}, same namespace), and every existing pod's own required
 * anti-affinity terms are tested against the incoming pod's labels; a node with any match is infeasible.
 * (Label-selector matching is on plain maps; no API objects, no cache snapshot copying.)
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class IppFilterBenchmark {

    static final String CLASS_LABEL = "ipp-class";

    @Param("5000")
    public int nodes;

    @Param("30")
    public int podsPerNode;

    @Param("20")
    public int classes;

    /** A required anti-affinity term: a label selector of one requirement, namespaces, topology key hostname. */
    record Requirement(String key, String operator, Set<String> values) {
        boolean matches(Map<String, String> labels) {
            String value = labels.get(key);
            return switch (operator) {
                case "In" -> value != null && values.contains(value);
                case "NotIn" -> value == null || !values.contains(value);
                case "Exists" -> value != null;
                case "DoesNotExist" -> value == null;
                default -> throw new IllegalArgumentException(operator);
            };
        }
    }

    record Term(List<Requirement> matchExpressions, Set<String> namespaces, String topologyKey) {
        boolean matches(String namespace, Map<String, String> labels) {
            if (!namespaces.contains(namespace)) {
                return false;
            }
            for (Requirement requirement : matchExpressions) {
                if (!requirement.matches(labels)) {
                    return false;
                }
            }
            return true;
        }
    }

    record Pod(String namespace, Map<String, String> labels, List<Term> requiredAntiAffinity) {}

    private List<Map<String, Integer>> classCountsByNode;
    private List<List<Pod>> podsByNode;
    private String incomingClass;
    private Pod incoming;

    static Pod ippPod(String app, String ippClass) {
        Map<String, String> labels = new HashMap<>();
        labels.put("app", app);
        labels.put("pod-template-hash", Integer.toHexString(app.hashCode()));
        labels.put(CLASS_LABEL, ippClass);
        Term term = new Term(
                List.of(new Requirement(CLASS_LABEL, "NotIn", Set.of(ippClass))),
                Set.of("default"),
                "kubernetes.io/hostname");
        return new Pod("default", labels, List.of(term));
    }

    @Setup
    public void setUp() {
        classCountsByNode = new ArrayList<>(nodes);
        podsByNode = new ArrayList<>(nodes);
        for (int n = 0; n < nodes; n++) {
            String nodeClass = "class-" + (n % classes);
            Map<String, Integer> counts = new HashMap<>();
            List<Pod> pods = new ArrayList<>(podsPerNode);
            for (int p = 0; p < podsPerNode; p++) {
                pods.add(ippPod("app-" + (n * 7 + p) % 500, nodeClass));
                counts.merge(nodeClass, 1, Integer::sum);
            }
            classCountsByNode.add(counts);
            podsByNode.add(pods);
        }
        incomingClass = "class-7";
        incoming = ippPod("app-new", incomingClass);
        boolean[] ours = classCounts();
        boolean[] theirs = requiredAntiAffinity();
        if (!java.util.Arrays.equals(ours, theirs)) {
            throw new IllegalStateException("the two filters disagree");
        }
    }

    @Benchmark
    public boolean[] classCounts() {
        boolean[] feasible = new boolean[classCountsByNode.size()];
        for (int n = 0; n < feasible.length; n++) {
            feasible[n] = IppClass.mayShareNode(
                    incomingClass, classCountsByNode.get(n).keySet());
        }
        return feasible;
    }

    @Benchmark
    public boolean[] requiredAntiAffinity() {
        // PreFilter: count matches per topology value (here: per node, topology key hostname).
        int[] antiAffinityCounts = new int[podsByNode.size()]; // incoming's terms vs existing pods
        int[] existingAntiAffinityCounts = new int[podsByNode.size()]; // existing pods' terms vs incoming
        for (int n = 0; n < podsByNode.size(); n++) {
            for (Pod existing : podsByNode.get(n)) {
                for (Term term : incoming.requiredAntiAffinity()) {
                    if (term.matches(existing.namespace(), existing.labels())) {
                        antiAffinityCounts[n]++;
                    }
                }
                for (Term term : existing.requiredAntiAffinity()) {
                    if (term.matches(incoming.namespace(), incoming.labels())) {
                        existingAntiAffinityCounts[n]++;
                    }
                }
            }
        }
        // Filter: a node is feasible when neither count is positive for its topology value.
        boolean[] feasible = new boolean[podsByNode.size()];
        for (int n = 0; n < feasible.length; n++) {
            feasible[n] = antiAffinityCounts[n] == 0 && existingAntiAffinityCounts[n] == 0;
        }
        return feasible;
    }
}
