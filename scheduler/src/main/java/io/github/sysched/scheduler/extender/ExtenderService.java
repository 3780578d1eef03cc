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

    public ExtenderService(ClusterState state, PodSetResolver resolver, ClusterView view) {
        this.state = state;
        this.engine = state.engine();
        this.resolver = resolver;
        this.view = view;
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
        String podClass = state.ippClassOf(pod.toPod());
        if (podClass == null) {
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
        return new FilterOutcome(passing, failed);
    }

    private String ippReason(String podClass, String node) {
        Set<String> classes = state.ippClassesOn(node);
        if (IppClass.mayShareNode(podClass, classes)) {
            return null;
        }
        List<String> others = classes.stream().filter(c -> !c.equals(podClass)).sorted().toList();
        return "sysched IPP: node hosts pods of isolation class " + String.join(",", others)
                + "; the pod has class " + podClass;
    }

    /**
     * Extender scores (0..10) for {@code pod} on {@code nodes}, in order; all 0 without a pod or before the pod
     * informer has synced.
     */
    public int[] prioritizeNodes(ScoringPod pod, List<String> nodes) {
        if (nodes.isEmpty() || pod == null || !podsSynced()) {
            return new int[nodes.size()];
        }
        SyscallSet incoming;
        try {
            incoming = resolver.resolve(pod.toPod(), PodSetResolver.Source.REQUEST).syscalls();
        } catch (RuntimeException e) {
            // the request's own pod (not one the informer vetted): anything the resolver cannot take is the request's fault
            throw new BadExtenderRequestException("the Pod's syscall set cannot be resolved: " + e, e);
        }
        return score(nodes, incoming);
    }

    /** Extender scores (0..10) for {@code incoming} on {@code nodes}, in order. */
    public int[] score(List<String> nodes, SyscallSet incoming) {
        int[] scores = ExsNormalizer.normalize(engine.rawScores(nodes, incoming));
        for (int i = 0; i < scores.length; i++) {
            scores[i] = ExsNormalizer.toExtenderScore(scores[i]);
        }
        return scores;
    }
}
