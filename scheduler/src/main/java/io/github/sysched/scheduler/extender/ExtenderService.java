package io.github.sysched.scheduler.extender;

import io.github.sysched.ipp.IppClass;
import io.github.sysched.kube.ClusterView;
import io.github.sysched.scheduler.leader.Leadership;
import io.github.sysched.scheduler.state.ClusterState;
import io.github.sysched.scheduler.state.InFlightPods;
import io.github.sysched.pod.ScoringPod;
import io.github.sysched.scoring.ExsEngine;
import io.github.sysched.scoring.ExsNormalizer;
import io.github.sysched.syscall.SyscallSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Filter and prioritize, answered from the informer-fed {@link ClusterState} and the {@link InFlightPods} registry
 * (no API call).
 *
 * <p><b>Filter</b> enforces IPP {@code fast} mode: a pod with isolation class C fails on every node that
 * hosts a counted pod of another class (reason in {@code FailedNodes}). Unclassed pods are not constrained
 * and do not constrain others ({@link IppClass#mayShareNode}): IPP pool nodes are tainted, so the only
 * unclassed pods there are tolerating system pods (DaemonSets), which must not block a pool. A pod of another class
 * that kube-scheduler is still deciding (in flight) and that may land on one of the nodes is waited for, at most
 * {@code sysched.scheduler.in-flight.max-wait}; if its node is still unknown then, the pod fails on every node the other
 * may land on (never co-locate on doubt). Every other node passes. Until the pod informer has synced, filter answers
 * with {@code Error} (the attempt fails and the pod is retried, unless the extender is {@code ignorable}) rather than
 * risk co-locating classes.
 *
 * <p><b>Prioritize</b> first waits, as boundedly, for earlier in-flight pods that may land on its nodes (their
 * placement changes the scores), then scores each candidate by the ExS the pod would add there (lower is better),
 * normalized like upstream SySched (0..100, reversed) and scaled to the extender range 0..10. Pods still undecided
 * after the wait are left out of the scores (ExS degrades to what the extender knows).
 *
 * <p>The pod's syscall set and class are resolved once per scheduling attempt (by {@link InFlightPods}) and reused by
 * its filter, prioritize and bind calls. The verbs over {@link ScoringPod} and node names
 * ({@link #filterNodes}, {@link #prioritizeNodes}) are the decisions; the {@link ExtenderArgs} methods adapt the
 * decoded request to them.
 */
public class ExtenderService {

    /** What filter decided: the passing nodes in request order, and a reason for each failing one. */
    public record FilterOutcome(List<String> passing, Map<String, String> failed) {
    }

    private final ClusterState state;
    private final ExsEngine engine;
    private final ClusterView view;
    private final InFlightPods inFlight;
    private final Leadership leadership;
    private final ExtenderObserver observer;

    /** {@code observer} hears of every answer (the debug log line, the placement Events). */
    public ExtenderService(ClusterState state, ClusterView view, InFlightPods inFlight, Leadership leadership,
                           ExtenderObserver observer) {
        this.state = state;
        this.engine = state.engine();
        this.view = view;
        this.inFlight = inFlight;
        this.leadership = leadership;
        this.observer = observer;
    }

    /** Without leader election and observers. */
    public ExtenderService(ClusterState state, ClusterView view, InFlightPods inFlight) {
        this(state, view, inFlight, Leadership.ALWAYS, ExtenderObserver.NONE);
    }

    /**
     * Why this replica cannot decide now (empty when it can): the pod informer has not synced (the state is
     * incomplete), or another replica leads. Filter then answers with this {@code Error}, prioritize with 0 for every
     * node; {@link #filterNodes} and {@link #prioritizeNodes} must not be called.
     */
    public String unavailable() {
        String refusal = leadership.refusal();
        if (!refusal.isEmpty()) {
            return refusal;
        }
        return view.synced(ClusterView.Resource.PODS) ? "" : "sysched extender: not ready: " + view.problem();
    }

    public ExtenderFilterResult filter(ExtenderArgs args) {
        if (args == null || args.pod() == null) {
            return ExtenderFilterResult.error("extender request without a Pod");
        }
        String unavailable = unavailable();
        if (!unavailable.isEmpty()) {
            return ExtenderFilterResult.error(unavailable);
        }
        List<String> names = candidateNames(args);
        if (args.nodeNames() != null && args.nodes() != null) { // never from kube-scheduler: decide for both forms
            java.util.LinkedHashSet<String> both = new java.util.LinkedHashSet<>(args.nodeNames());
            args.nodes().items().stream().map(NodeList::nameOf).filter(java.util.Objects::nonNull).forEach(both::add);
            names = List.copyOf(both);
        }
        FilterOutcome outcome = filterNodes(ScoringPod.of(args.pod()), names);
        List<String> passingNames = null;
        if (args.nodeNames() != null) {
            passingNames = new ArrayList<>(args.nodeNames().size());
            for (String node : args.nodeNames()) {
                if (!outcome.failed().containsKey(node)) {
                    passingNames.add(node);
                }
            }
        }
        NodeList passingNodes = null;
        if (args.nodes() != null) {
            List<JsonNode> items = new ArrayList<>(args.nodes().items().size());
            for (JsonNode item : args.nodes().items()) {
                String node = NodeList.nameOf(item);
                if (node == null || !outcome.failed().containsKey(node)) {
                    items.add(item);
                }
            }
            passingNodes = new NodeList(items);
        }
        return new ExtenderFilterResult(passingNodes, passingNames, outcome.failed(), Map.of(), "");
    }

    /** The filter decision for {@code pod} over {@code nodes} (when {@link #unavailable()} is empty). */
    public FilterOutcome filterNodes(ScoringPod pod, List<String> nodes) {
        long started = System.nanoTime();
        InFlightPods.Attempt attempt = begin(() -> inFlight.beginAtFilter(pod));
        String podClass = attempt.ippClass();
        List<InFlightPods.Attempt> doubts = podClass == null ? List.of()
                : inFlight.awaitEarlier(attempt, nodes,
                        other -> other.ippClass() != null && !other.ippClass().equals(podClass), "filter");
        Map<String, String> failed = new LinkedHashMap<>();
        List<String> passing = new ArrayList<>(nodes.size());
        for (String node : nodes) {
            String reason = ippReason(podClass, node, doubts);
            if (reason == null) {
                passing.add(node);
            } else {
                failed.put(node, reason);
            }
        }
        attempt.candidates(passing);
        if (passing.isEmpty()) {
            inFlight.settle(attempt); // this attempt fails: kube-scheduler will try the pod again
        }
        observer.filtered(podRef(pod), nodes.size(), failed, System.nanoTime() - started);
        return new FilterOutcome(passing, failed);
    }

    private String ippReason(String podClass, String node, List<InFlightPods.Attempt> doubts) {
        if (podClass == null) {
            return null;
        }
        // One text per cause for every node that fails this pod: kube-scheduler counts equal reasons in its
        // FailedScheduling Event ("0/5 nodes are available: 3 node(s) run pods of another ...").
        if (!IppClass.mayShareNode(podClass, state.ippClassesOn(node))) {
            return "node(s) run pods of another sysched isolation class than the pod's (" + podClass + ")";
        }
        for (InFlightPods.Attempt other : doubts) {
            Set<String> candidates = other.candidates();
            if (candidates == null || candidates.contains(node)) {
                return "node(s) may receive a pod of another sysched isolation class whose binding is not known yet "
                        + "(the pod's class: " + podClass + ")";
            }
        }
        return null;
    }

    /**
     * Preemption (kube-scheduler's {@code preemptVerb}): of the candidate nodes kube-scheduler chose victims on, the
     * ones where the pod could land once its victims are gone, i.e. where no pod of another isolation class would
     * remain. kube-scheduler picks victims by priority and resources only (its dry run reprieves every pod the
     * resources allow), so on a node shared with another class it would evict pods and then fail the preemptor at
     * our filter, again and again on other nodes: evictions for nothing. Unclassed pods keep every candidate. A
     * replica that cannot decide keeps none (no eviction on doubt; the pod is retried).
     *
     * @param victims node → UIDs of the pods kube-scheduler would evict there
     * @return the nodes kept, in the order given
     */
    public List<String> preemptionNodes(ScoringPod pod, Map<String, Set<String>> victims) {
        if (!unavailable().isEmpty()) {
            return List.of();
        }
        String podClass = state.ippClassOf(pod.toPod());
        List<String> kept = new ArrayList<>(victims.size());
        for (Map.Entry<String, Set<String>> node : victims.entrySet()) {
            if (podClass == null
                    || IppClass.mayShareNode(podClass, state.ippClassesAfterEviction(node.getKey(), node.getValue()))) {
                kept.add(node.getKey());
            }
        }
        return kept;
    }

    public List<HostPriority> prioritize(ExtenderArgs args) {
        List<String> nodes = candidateNames(args);
        if (nodes.isEmpty()) {
            return List.of();
        }
        if (args.pod() == null || !unavailable().isEmpty()) {
            return nodes.stream().map(n -> new HostPriority(n, 0)).toList();
        }
        return prioritizeNodes(ScoringPod.of(args.pod()), nodes);
    }

    /** Extender scores (0..10) for {@code pod} on {@code nodes}, in order (when {@link #unavailable()} is empty). */
    public List<HostPriority> prioritizeNodes(ScoringPod pod, List<String> nodes) {
        long started = System.nanoTime();
        InFlightPods.Attempt attempt = begin(() -> inFlight.atPrioritize(pod));
        attempt.candidates(nodes);
        inFlight.awaitEarlier(attempt, nodes, other -> true, "prioritize");
        NodeScores scores = scores(nodes, attempt.syscalls());
        observer.prioritized(podRef(pod), scores, System.nanoTime() - started);
        return scores.hostPriorities();
    }

    private static ExtenderObserver.PodRef podRef(ScoringPod pod) {
        return new ExtenderObserver.PodRef(pod.namespace(), pod.name(), pod.uid());
    }

    private static InFlightPods.Attempt begin(java.util.function.Supplier<InFlightPods.Attempt> begin) {
        try {
            return begin.get();
        } catch (RuntimeException e) {
            // the request's own pod (not one the informer vetted): anything the resolver cannot take is the request's fault
            throw new BadExtenderRequestException("the Pod's syscall set cannot be resolved: " + e, e);
        }
    }

    /** Extender scores (0..10) for {@code incoming} on {@code nodes}, in order. */
    public List<HostPriority> score(List<String> nodes, SyscallSet incoming) {
        return scores(nodes, incoming).hostPriorities();
    }

    /**
     * The one scoring of the extender: the ExS {@code incoming} would add on each of {@code nodes} and the extender
     * score (0..10) that ranks them. {@code /prioritize} answers it and the {@code explain} command prints it; a new
     * score (e.g. common's {@code MarginalExs}) replaces it here.
     */
    public NodeScores scores(List<String> nodes, SyscallSet incoming) {
        long[] raw = engine.rawScores(nodes, incoming);
        int[] normalized = ExsNormalizer.normalize(raw);
        int[] scores = new int[normalized.length];
        for (int i = 0; i < normalized.length; i++) {
            scores[i] = ExsNormalizer.toExtenderScore(normalized[i]);
        }
        return new NodeScores(nodes, raw, scores);
    }

    /** The candidate node names: {@code NodeNames} when present, else the names of {@code Nodes.items}. */
    public static List<String> candidateNames(ExtenderArgs args) {
        if (args == null) {
            return List.of();
        }
        if (args.nodeNames() != null) {
            return args.nodeNames();
        }
        if (args.nodes() != null) {
            List<String> names = new ArrayList<>(args.nodes().items().size());
            for (JsonNode item : args.nodes().items()) {
                String name = NodeList.nameOf(item);
                if (name != null) {
                    names.add(name);
                }
            }
            return names;
        }
        return List.of();
    }
}
