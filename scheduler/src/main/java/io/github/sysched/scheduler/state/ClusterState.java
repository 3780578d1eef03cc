package io.github.sysched.scheduler.state;

import io.fabric8.kubernetes.api.model.Pod;
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
 * re-resolve fallback pods when the fallback's answer changes. Writers serialize on this object; readers of the IPP
 * classes ({@link #ippClassesOn}) never lock, the engine's share its read lock.
 *
 * <p>A pod the extender binds itself is <em>assumed</em> ({@link #reserve}): counted on its node before the API call,
 * after the IPP check, in one step, so that two pods of different classes can never both be bound to one node through
 * {@code /bind}. Until the informer reports the pod on a node, informer events that still show it unscheduled (older
 * than the binding) do not undo the assumption; a failed API call does ({@link #forget}). An assumption the informer
 * never confirms (the pod was deleted before the informer saw it bound) expires after {@link #ASSUMPTION_TTL}.
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
    private final java.util.function.LongSupplier clock;

    /** How long an assumed pod counts without the informer confirming it. */
    public static final java.time.Duration ASSUMPTION_TTL = java.time.Duration.ofMinutes(10);

    /**
     * One counted pod. {@code pod} is kept only for fallback pods, to re-resolve them, and only what they read.
     * {@code assumedAt}: when {@code /bind} counted it (clock nanos), 0 once the informer has reported it on a node.
     */
    private record Tracked(String node, String ippClass, boolean fallback, ScoringPod pod, long assumedAt) {
        boolean assumed() {
            return assumedAt != 0;
        }
    }

    /** The outcome of {@link #reserve}: empty {@code refusal} when the pod now counts on the node. */
    public record Reservation(String refusal) {
        public boolean reserved() {
            return refusal == null;
        }
    }

    public ClusterState(
            ExsEngine engine,
            PodSetResolver resolver,
            UnannotatedPodResolver fallback,
            String classLabel,
            MeterRegistry registry) {
        this(engine, resolver, fallback, classLabel, registry, System::nanoTime);
    }

    /** With the clock that ages assumptions ({@link System#nanoTime()} by default). */
    public ClusterState(
            ExsEngine engine,
            PodSetResolver resolver,
            UnannotatedPodResolver fallback,
            String classLabel,
            MeterRegistry registry,
            java.util.function.LongSupplier clock) {
        this.clock = clock;
        this.engine = engine;
        this.resolver = resolver;
        this.classLabel = classLabel;
        this.registry = registry;
        fallback.onChange(this::reresolveFallbackPods);
        Gauge.builder("sysched.cluster.exs", engine, ExsEngine::clusterExs)
                .description("Sum over nodes of each node's own ExS (extraneous syscalls the placement leaves)")
                .register(registry);
        Gauge.builder("sysched.pods.tracked", engine, ExsEngine::podCount)
                .description("Pods counted on nodes")
                .register(registry);
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
            Tracked tracked = pods.get(uid);
            if (tracked != null && tracked.assumed() && !terminated(pod)) {
                return; // an event from before our binding: the informer has not caught up yet
            }
            remove(uid);
            return;
        }
        PodSetResolver.Resolution resolution = resolver.resolve(pod, PodSetResolver.Source.INFORMER);
        place(
                uid,
                node,
                resolution,
                ippClassOf(resolution.ippClassAnnotation(), labels(pod)),
                resolution.fallback() ? ScoringPod.of(pod) : null,
                0);
    }

    @Override
    public void podDeleted(Pod pod, boolean finalStateUnknown) {
        // With finalStateUnknown the object is the last state the view held; its UID is still right.
        String uid = uid(pod);
        if (uid != null) {
            remove(uid);
        }
    }

    /**
     * The extender is about to bind pod {@code uid} to {@code node}: unless that would put two isolation classes on
     * the node, count it there now (assumed), before the API call and before the informer says so.
     *
     * @param pod the pod as the request carried it (kept for re-resolution when its set is the fallback's)
     */
    public synchronized Reservation reserve(String uid, String node, InFlightPods.Resolved resolved, ScoringPod pod) {
        expireAssumptions();
        Tracked current = pods.get(uid);
        if (current != null && (current.node.equals(node) || !current.assumed())) {
            // already counted there (the informer was faster), or bound elsewhere, which the API call will refuse
            return new Reservation(null);
        }
        if (resolved.ippClass() != null) {
            Map<String, Integer> classes = classesByNode.getOrDefault(node, Map.of());
            for (String other : classes.keySet()) {
                if (!other.equals(resolved.ippClass())) {
                    return new Reservation("sysched IPP: node " + node + " hosts pods of isolation class " + other
                            + "; the pod has class " + resolved.ippClass());
                }
            }
        }
        long now = clock.getAsLong();
        place(
                uid,
                node,
                new PodSetResolver.Resolution(
                        resolved.syscalls(),
                        resolved.fallback() ? PodSetResolver.Origin.MISSING : PodSetResolver.Origin.ANNOTATION,
                        null),
                resolved.ippClass(),
                resolved.fallback() ? pod : null,
                now == 0 ? 1 : now);
        return new Reservation(null);
    }

    /** The binding of an assumed pod failed: stop counting it (unless the informer has confirmed it meanwhile). */
    public synchronized void forget(String uid) {
        Tracked tracked = pods.get(uid);
        if (tracked != null && tracked.assumed()) {
            remove(uid);
        }
    }

    /** Whether pod {@code uid} counts only because {@code /bind} assumed it. */
    public boolean assumed(String uid) {
        Tracked tracked = pods.get(uid);
        return tracked != null && tracked.assumed();
    }

    private void expireAssumptions() {
        long now = clock.getAsLong();
        long ttl = ASSUMPTION_TTL.toNanos();
        for (Map.Entry<String, Tracked> entry : pods.entrySet()) {
            if (entry.getValue().assumed() && now - entry.getValue().assumedAt > ttl) {
                log.warn(
                        "pod {} was bound through /bind {} ago but the informer never reported it on {}; "
                                + "no longer counted",
                        entry.getKey(),
                        ASSUMPTION_TTL,
                        entry.getValue().node);
                remove(entry.getKey());
            }
        }
    }

    private void place(
            String uid,
            String node,
            PodSetResolver.Resolution resolution,
            String ippClass,
            ScoringPod fallbackPod,
            long assumedAt) {
        Tracked before = pods.get(uid);
        Tracked after = new Tracked(
                node, ippClass, resolution.fallback(), resolution.fallback() ? fallbackPod : null, assumedAt);
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
            Tracked tracked = e.getValue();
            if (tracked.fallback) {
                Pod pod = tracked.pod.toPod();
                PodSetResolver.Resolution resolution = resolver.resolve(pod, PodSetResolver.Source.INFORMER);
                place(
                        e.getKey(),
                        tracked.node,
                        resolution,
                        ippClassOf(resolution.ippClassAnnotation(), labels(pod)),
                        tracked.pod,
                        tracked.assumedAt);
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

    /**
     * Isolation classes that stay on {@code node} once the pods {@code evicted} (UIDs) are gone: the counted pods'
     * classes, less those whose every pod there is evicted.
     */
    public Set<String> ippClassesAfterEviction(String node, Set<String> evicted) {
        Map<String, Integer> classes = classesByNode.get(node);
        if (classes == null || classes.isEmpty()) {
            return Set.of();
        }
        Map<String, Integer> remaining = new HashMap<>(classes);
        for (String uid : evicted) {
            Tracked tracked = pods.get(uid);
            if (tracked != null && node.equals(tracked.node) && tracked.ippClass != null) {
                remaining.computeIfPresent(tracked.ippClass, (c, n) -> n > 1 ? n - 1 : null);
            }
        }
        return remaining.keySet();
    }

    /**
     * The pod's isolation class: its {@code exs.sysched.io/ipp-class} annotation when the webhook wrote it (a valid
     * signature, see {@link AnnotationTrust}), else the configured label.
     */
    public String ippClassOf(Pod pod) {
        if (pod == null || pod.getMetadata() == null) {
            return null;
        }
        return ippClassOf(resolver.resolve(pod, PodSetResolver.Source.REQUEST).ippClassAnnotation(), labels(pod));
    }

    /** The class from the trusted annotation value (null: none) and the pod's labels. */
    public String ippClassOf(String trustedAnnotation, Map<String, String> labels) {
        String value = trustedAnnotation;
        if (value == null || value.isEmpty()) {
            value = labels == null ? null : labels.get(classLabel);
        }
        return value == null || value.isEmpty() ? null : value;
    }

    private static Map<String, String> labels(Pod pod) {
        return pod.getMetadata() == null ? null : pod.getMetadata().getLabels();
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

    /** Whether the pod has run to completion (Succeeded or Failed). */
    public static boolean terminatedPod(Pod pod) {
        return terminated(pod);
    }

    private static boolean terminated(Pod pod) {
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        return "Succeeded".equals(phase) || "Failed".equals(phase);
    }

    /** The node a pod counts on, or null when it does not count (unscheduled or terminated). */
    public static String countedNode(Pod pod) {
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
            surfaceGauges.computeIfAbsent(
                    node,
                    n -> Gauge.builder(
                                    "sysched.node.attack.surface",
                                    engine,
                                    e -> e.node(n)
                                            .map(NodeSnapshot::attackSurface)
                                            .orElse(0))
                            .description("|U|: syscalls some pod on the node may make")
                            .tags(Tags.of("node", n))
                            .register(registry));
            nodeExsGauges.computeIfAbsent(
                    node,
                    n -> Gauge.builder(
                                    "sysched.node.exs",
                                    engine,
                                    e -> e.node(n).map(NodeSnapshot::exs).orElse(0L))
                            .description("The node's own ExS: sum over its pods of |U \\ S_i|")
                            .tags(Tags.of("node", n))
                            .register(registry));
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
