package io.github.sysched.scheduler.extender;

import io.github.sysched.ipp.IppClass;
import io.github.sysched.kube.ClusterView;
import io.github.sysched.pod.ScoringPod;
import io.github.sysched.scheduler.state.ClusterState;
import io.github.sysched.scheduler.state.PodSetResolver;
import io.github.sysched.scoring.ExsEngine;
import io.github.sysched.scoring.ExsNormalizer;
import io.github.sysched.syscall.SyscallSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Filter and prioritize, answered from the informer-fed {@link ClusterState} only (no API call).
 *
 * <p><b>Filter</b> enforces IPP {@code fast} mode: a pod with isolation class C fails on every node that
 * hosts a counted pod of another class (reason in {@code FailedNodes}). Unclassed pods are not constrained
 * and do not constrain others ({@link IppClass#mayShareNode}): IPP pool nodes are tainted, so the only
 * unclassed pods there are tolerating system pods (DaemonSets), which must not block a pool. Every other
 * node passes. Until the pod informer has synced, filter answers with {@code Error} (the attempt fails and
 * the pod is retried, unless the extender is {@code ignorable}) rather than risk co-locating classes.
 *
 * <p><b>Prioritize</b> scores each candidate by the ExS the pod would add there (lower is better),
 * normalized like upstream SySched (0..100, reversed) and scaled to the extender range 0..10.
 */
public class ExtenderService {

    private final ClusterState state;
    private final ExsEngine engine;
    private final PodSetResolver resolver;
    private final ClusterView view;
    private final ExtenderObserver observer;

    public ExtenderService(ClusterState state, PodSetResolver resolver, ClusterView view) {
        this(state, resolver, view, ExtenderObserver.NONE);
    }

    public ExtenderService(ClusterState state, PodSetResolver resolver, ClusterView view, ExtenderObserver observer) {
        this.state = state;
        this.engine = state.engine();
        this.resolver = resolver;
        this.view = view;
        this.observer = observer;
    }

    /** What filter decided: the passing nodes in request order, and a reason for each failing one. */
    public record FilterOutcome(List<String> passing, Map<String, String> failed) {
    }

    /** The state is complete once the pod informer's initial list has been applied. */
    private boolean podsSynced() {
        return view.synced(ClusterView.Resource.PODS);
    }

    /** Why the verbs cannot decide yet (the pod informer has not synced), or null once they can. */
    public String notReady() {
        return podsSynced() ? null : "sysched extender: not ready: " + view.problem();
    }

    /** The filter decision for {@code pod} over {@code nodes} (the pod informer must have synced). */
    public FilterOutcome filterNodes(ScoringPod pod, List<String> nodes) {
        long started = System.nanoTime();
        String podClass = state.ippClassOf(pod.toPod());
        if (podClass == null) {
            observer.filtered(podRef(pod), nodes.size(), Map.of(), System.nanoTime() - started);
            return new FilterOutcome(nodes, Map.of());
        }
        Map<String, String> failed = new LinkedHashMap<>();
        List<String> passing = new ArrayList<>(nodes.size());
        for (String node : nodes) {
            String reason = ippReason(podClass, node);
            if (reason == null) {
                passing.add(node);
            } else {
                failed.put(node, reason);
            }
        }
        observer.filtered(podRef(pod), nodes.size(), failed, System.nanoTime() - started);
        return new FilterOutcome(passing, failed);
    }

    private static ExtenderObserver.PodRef podRef(ScoringPod pod) {
        return new ExtenderObserver.PodRef(pod.namespace(), pod.name(), pod.uid());
    }

    private String ippReason(String podClass, String node) {
        Set<String> classes = state.ippClassesOn(node);
        if (IppClass.mayShareNode(podClass, classes)) {
            return null;
        }
        // One text for every node that fails this pod: kube-scheduler counts equal reasons in its FailedScheduling
        // Event ("0/5 nodes are available: 3 node(s) run pods of another ...").
        return "node(s) run pods of another sysched isolation class than the pod's (" + podClass + ")";
    }

    /**
     * Extender scores (0..10) for {@code pod} on {@code nodes}, in order; all 0 without a pod or before the pod
     * informer has synced.
     */
    public int[] prioritizeNodes(ScoringPod pod, List<String> nodes) {
        if (nodes.isEmpty() || pod == null || !podsSynced()) {
            return new int[nodes.size()];
        }
        long started = System.nanoTime();
        SyscallSet incoming;
        try {
            incoming = resolver.resolve(pod.toPod(), PodSetResolver.Source.REQUEST).syscalls();
        } catch (RuntimeException e) {
            // the request's own pod (not one the informer vetted): anything the resolver cannot take is the request's fault
            throw new BadExtenderRequestException("the Pod's syscall set cannot be resolved: " + e, e);
        }
        NodeScores scores = scores(nodes, incoming);
        observer.prioritized(podRef(pod), scores, System.nanoTime() - started);
        return scores.scores();
    }

    /** Extender scores (0..10) for {@code incoming} on {@code nodes}, in order. */
    public int[] score(List<String> nodes, SyscallSet incoming) {
        return scores(nodes, incoming).scores();
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
}
