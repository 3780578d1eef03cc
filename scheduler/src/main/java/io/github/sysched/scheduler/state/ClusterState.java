package io.github.sysched.scheduler.state;

import io.fabric8.kubernetes.api.model.Pod;
import io.github.sysched.annotation.PlacementAnnotations;
import io.github.sysched.kube.ClusterView;
import io.github.sysched.pod.ScoringPod;
import io.github.sysched.scoring.ExsEngine;
import io.github.sysched.scoring.NodeSnapshot;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which pod runs where with which syscall set and isolation class, fed by the {@link ClusterView}'s pod informer.
 *
 * <p>A pod counts on its node from the moment {@code spec.nodeName} is set until it is deleted or reaches
 * phase Succeeded/Failed; pods are keyed by UID (a re-created pod with the same name is another pod). The
 * ExS figures live in the {@link ExsEngine}; this class adds the per-node IPP classes and the bookkeeping to
 * re-resolve fallback pods when the fallback's answer changes. Writers serialize on this object; readers
 * ({@link #ippClassesOn}, the engine) never lock.
 */
public class ClusterState implements ClusterView.PodListener {

    private static final Logger log = LoggerFactory.getLogger(ClusterState.class);

    private final ExsEngine engine;
    private final PodSetResolver resolver;
    private final String classLabel;
    private final MeterRegistry registry;
    private final Map<String, Tracked> pods = new ConcurrentHashMap<>();
    /** node → (class → pods of that class on the node); inner maps are immutable, replaced on change. */
    private final Map<String, Map<String, Integer>> classesByNode = new ConcurrentHashMap<>();
    private final Map<String, Gauge> surfaceGauges = new HashMap<>();
    private final Map<String, Gauge> nodeExsGauges = new HashMap<>();
    private volatile int fallbackPods;

    /** One counted pod. {@code pod} is kept only for fallback pods, to re-resolve them, and only what they read. */
    private record Tracked(String node, String ippClass, boolean fallback, ScoringPod pod) {
    }

    public ClusterState(ExsEngine engine, PodSetResolver resolver, UnannotatedPodResolver fallback,
                        String classLabel, MeterRegistry registry) {
        this.engine = engine;
        this.resolver = resolver;
        this.classLabel = classLabel;
        this.registry = registry;
        fallback.onChange(this::reresolveFallbackPods);
        Gauge.builder("sysched.cluster.exs", engine, ExsEngine::clusterExs)
                .description("Sum over nodes of each node's own ExS (extraneous syscalls the placement leaves)")
                .register(registry);
        Gauge.builder("sysched.pods.tracked", engine, ExsEngine::podCount)
                .description("Pods counted on nodes").register(registry);
        Gauge.builder("sysched.pods.unannotated", this, s -> s.fallbackPods)
                .description("Counted pods without a valid exs.sysched.io/syscalls annotation (fallback set)")
                .register(registry);
    }

    public ExsEngine engine() {
        return engine;
    }

    // ---- informer events ------------------------------------------------------------------------------

    /** Counts, moves or forgets {@code pod} according to its current state. */
    @Override
    public synchronized void podChanged(Pod pod) {
        String uid = uid(pod);
        if (uid == null) {
            return;
        }
        String node = countedNode(pod);
        if (node == null) {
            remove(uid);
            return;
        }
        place(uid, node, pod);
    }

    @Override
    public void podDeleted(Pod pod, boolean finalStateUnknown) {
        // With finalStateUnknown the object is the last state the view held; its UID is still right.
        String uid = uid(pod);
        if (uid != null) {
            remove(uid);
        }
    }

    /** The extender bound {@code pod} to {@code node}: count it there now, before the informer says so. */
    public synchronized void assume(Pod pod, String node) {
        String uid = uid(pod);
        if (uid != null && node != null && !node.isEmpty()) {
            place(uid, node, pod);
        }
    }

    private void place(String uid, String node, Pod pod) {
        PodSetResolver.Resolution resolution = resolver.resolve(pod, PodSetResolver.Source.INFORMER);
        Tracked before = pods.get(uid);
        Tracked after = new Tracked(node, ippClassOf(pod), resolution.fallback(),
                resolution.fallback() ? ScoringPod.of(pod) : null);
        engine.place(uid, node, resolution.syscalls());
        pods.put(uid, after);
        if (before != null) {
            unindex(before);
        }
        index(after);
        if (before != null && !before.node.equals(node)) {
            refreshNodeMeters(before.node);
        }
        refreshNodeMeters(node);
    }

    public synchronized boolean remove(String uid) {
        Tracked before = pods.remove(uid);
        engine.remove(uid);
        if (before == null) {
            return false;
        }
        unindex(before);
        refreshNodeMeters(before.node);
        return true;
    }

    /** The fallback's answer changed: re-resolve every pod that uses it. */
    public synchronized void reresolveFallbackPods() {
        int count = 0;
        for (Map.Entry<String, Tracked> e : Map.copyOf(pods).entrySet()) {
            if (e.getValue().fallback) {
                place(e.getKey(), e.getValue().node, e.getValue().pod.toPod());
                count++;
            }
        }
        if (count > 0) {
            log.info("re-resolved {} pods that use the fallback syscall set", count);
        }
    }

    // ---- queries (lock-free) --------------------------------------------------------------------------

    /** Isolation classes of the pods counted on {@code node} (unclassed pods contribute nothing). */
    public Set<String> ippClassesOn(String node) {
        Map<String, Integer> classes = classesByNode.get(node);
        return classes == null ? Set.of() : classes.keySet();
    }

    /** The pod's isolation class: annotation {@code exs.sysched.io/ipp-class}, else the configured label. */
    public String ippClassOf(Pod pod) {
        if (pod == null || pod.getMetadata() == null) {
            return null;
        }
        Map<String, String> annotations = pod.getMetadata().getAnnotations();
        String value = annotations == null ? null : annotations.get(PlacementAnnotations.IPP_CLASS);
        if (value == null || value.isEmpty()) {
            Map<String, String> labels = pod.getMetadata().getLabels();
            value = labels == null ? null : labels.get(classLabel);
        }
        return value == null || value.isEmpty() ? null : value;
    }

    public int trackedPods() {
        return pods.size();
    }

    public int fallbackPods() {
        return fallbackPods;
    }

    public Optional<String> nodeOf(String uid) {
        Tracked tracked = pods.get(uid);
        return tracked == null ? Optional.empty() : Optional.of(tracked.node);
    }

    // ---- helpers --------------------------------------------------------------------------------------

    /** The node a pod counts on, or null when it does not count (unscheduled or terminated). */
    static String countedNode(Pod pod) {
        if (pod.getSpec() == null) {
            return null;
        }
        String node = pod.getSpec().getNodeName();
        if (node == null || node.isEmpty()) {
            return null;
        }
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        if ("Succeeded".equals(phase) || "Failed".equals(phase)) {
            return null;
        }
        return node;
    }

    private static String uid(Pod pod) {
        if (pod == null || pod.getMetadata() == null) {
            return null;
        }
        String uid = pod.getMetadata().getUid();
        return uid == null || uid.isEmpty() ? null : uid;
    }

    private void index(Tracked tracked) {
        if (tracked.fallback) {
            fallbackPods++;
        }
        if (tracked.ippClass != null) {
            classesByNode.compute(tracked.node, (node, classes) -> {
                Map<String, Integer> copy = classes == null ? new HashMap<>() : new HashMap<>(classes);
                copy.merge(tracked.ippClass, 1, Integer::sum);
                return Map.copyOf(copy);
            });
        }
    }

    private void unindex(Tracked tracked) {
        if (tracked.fallback) {
            fallbackPods--;
        }
        if (tracked.ippClass != null) {
            classesByNode.computeIfPresent(tracked.node, (node, classes) -> {
                Map<String, Integer> copy = new HashMap<>(classes);
                copy.computeIfPresent(tracked.ippClass, (c, n) -> n <= 1 ? null : n - 1);
                return copy.isEmpty() ? null : Map.copyOf(copy);
            });
        }
    }

    /** Per-node gauges exist while the node hosts counted pods. */
    private void refreshNodeMeters(String node) {
        Optional<NodeSnapshot> snapshot = engine.node(node);
        if (snapshot.isPresent()) {
            surfaceGauges.computeIfAbsent(node, n -> Gauge.builder("sysched.node.attack.surface", engine,
                            e -> e.node(n).map(NodeSnapshot::attackSurface).orElse(0))
                    .description("|U|: syscalls some pod on the node may make")
                    .tags(Tags.of("node", n)).register(registry));
            nodeExsGauges.computeIfAbsent(node, n -> Gauge.builder("sysched.node.exs", engine,
                            e -> e.node(n).map(NodeSnapshot::exs).orElse(0L))
                    .description("The node's own ExS: sum over its pods of |U \\ S_i|")
                    .tags(Tags.of("node", n)).register(registry));
        } else {
            Gauge surface = surfaceGauges.remove(node);
            if (surface != null) {
                registry.remove(surface);
            }
            Gauge exs = nodeExsGauges.remove(node);
            if (exs != null) {
                registry.remove(exs);
            }
        }
    }
}
