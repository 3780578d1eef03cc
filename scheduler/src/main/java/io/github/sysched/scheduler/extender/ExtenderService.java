package io.github.sysched.scheduler.extender;

import io.github.sysched.ipp.IppClass;
import io.github.sysched.kube.ClusterView;
import io.github.sysched.pod.ScoringPod;
import io.github.sysched.scheduler.leader.Leadership;
import io.github.sysched.scheduler.state.ClusterState;
import io.github.sysched.scheduler.state.InFlightPods;
import io.github.sysched.scoring.ExsEngine;
import io.github.sysched.scoring.ExtenderScoring;
import io.github.sysched.scoring.PlacementPlanner;
import io.github.sysched.syscall.SyscallSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
 * placement changes the scores), then answers {@link ExtenderScoring}: by default the marginal ExS score (the exposure
 * the pod adds on each candidate, an opening cost for empty nodes, 0..10 levels spent where candidates differ), or
 * upstream SySched's normalized ExS ({@code sysched.scheduler.scoring.mode}). Pods still undecided after the wait are
 * left out of the scores (ExS degrades to what the extender knows).
 *
 * <p>The pod's syscall set and class are resolved once per scheduling attempt (by {@link InFlightPods}) and reused by
 * its filter, prioritize and bind calls. The verbs over {@link ScoringPod} and node names
 * ({@link #filterNodes}, {@link #prioritizeNodes}, {@link #preemptionNodes}) are the decisions; {@link ExtenderServlet}
 * decodes the requests into them and writes the answers.
 */
public class ExtenderService {

    /** What filter decided: the passing nodes in request order, and a reason for each failing one. */
    public record FilterOutcome(List<String> passing, Map<String, String> failed) {}

    private final ClusterState state;
    private final ExsEngine engine;
    private final ClusterView view;
    private final InFlightPods inFlight;
    private final Leadership leadership;
    private final ExtenderScoring scoring;
    private final ExtenderObserver observer;
    private final PlacementPlans plans;

    /**
     * {@code scoring} is what {@code /prioritize} answers ({@code sysched.scheduler.scoring.*}); {@code observer}
     * hears of every answer (the debug log line, the placement Events).
     */
    public ExtenderService(
            ClusterState state,
            ClusterView view,
            InFlightPods inFlight,
            Leadership leadership,
            ExtenderScoring scoring,
            ExtenderObserver observer) {
        this(state, view, inFlight, leadership, scoring, observer, PlacementPlans.NONE);
    }

    /**
     * With {@code plans}: in {@code marginal} mode, {@code /prioritize} follows the plan of the known demand
     * ({@link PlacementPlanner#follow}: the pod's planned nodes at the top level, every other candidate one level
     * down).
     */
    public ExtenderService(
            ClusterState state,
            ClusterView view,
            InFlightPods inFlight,
            Leadership leadership,
            ExtenderScoring scoring,
            ExtenderObserver observer,
            PlacementPlans plans) {
        this.state = state;
        this.engine = state.engine();
        this.view = view;
        this.inFlight = inFlight;
        this.leadership = leadership;
        this.scoring = scoring;
        this.observer = observer;
        this.plans = plans;
    }

    /** Without leader election and observers, with the default score ({@link ExtenderScoring#DEFAULT}). */
    public ExtenderService(ClusterState state, ClusterView view, InFlightPods inFlight) {
        this(state, view, inFlight, Leadership.ALWAYS, ExtenderScoring.DEFAULT, ExtenderObserver.NONE);
    }

    /**
     * Why this replica cannot decide now, or null when it can: the pod informer has not synced (the state is
     * incomplete), or another replica leads. Filter then answers with this {@code Error}, prioritize with 0 for every
     * node, preempt with no node; {@link #filterNodes} must not be called.
     */
    public String notReady() {
        String refusal = leadership.refusal();
        if (!refusal.isEmpty()) {
            return refusal;
        }
        return view.synced(ClusterView.Resource.PODS) ? null : "sysched extender: not ready: " + view.problem();
    }

    /** The filter decision for {@code pod} over {@code nodes} (when {@link #notReady()} is null). */
    public FilterOutcome filterNodes(ScoringPod pod, List<String> nodes) {
        return filterNodes(pod, nodes, true);
    }

    /**
     * {@link #filterNodes(ScoringPod, List)}; {@code inFlight} false decides without taking part in the in-flight
     * registry (the warm-up's made-up pods: they neither wait for real pods nor make real pods wait for them).
     */
    public FilterOutcome filterNodes(ScoringPod pod, List<String> nodes, boolean inFlight) {
        long started = System.nanoTime();
        InFlightPods.Attempt attempt = inFlight ? begin(() -> this.inFlight.beginAtFilter(pod)) : null;
        InFlightPods.Resolved resolved = attempt != null ? attempt.resolved() : begin(() -> this.inFlight.resolve(pod));
        String podClass = resolved.ippClass();
        List<InFlightPods.Attempt> doubts = podClass == null || attempt == null
                ? List.of()
                : this.inFlight.awaitEarlier(
                        attempt,
                        nodes,
                        other -> other.ippClass() != null && !other.ippClass().equals(podClass),
                        "filter");
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
        if (attempt != null) {
            attempt.candidates(passing);
            if (passing.isEmpty()) {
                this.inFlight.settle(attempt); // this attempt fails: kube-scheduler will try the pod again
            }
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
        if (notReady() != null) {
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

    /**
     * Extender scores (0..10) for {@code pod} on {@code nodes}, in order; all 0 without a pod or while this replica
     * cannot decide ({@link #notReady()}).
     */
    public int[] prioritizeNodes(ScoringPod pod, List<String> nodes) {
        return prioritizeNodes(pod, nodes, true);
    }

    /** {@link #prioritizeNodes(ScoringPod, List)}; {@code inFlight} as for {@link #filterNodes(ScoringPod, List, boolean)}. */
    public int[] prioritizeNodes(ScoringPod pod, List<String> nodes, boolean inFlight) {
        if (nodes.isEmpty() || pod == null || notReady() != null) {
            return new int[nodes.size()];
        }
        long started = System.nanoTime();
        SyscallSet incoming;
        if (inFlight) {
            InFlightPods.Attempt attempt = begin(() -> this.inFlight.atPrioritize(pod));
            attempt.candidates(nodes);
            this.inFlight.awaitEarlierDecisions(attempt, nodes, "prioritize");
            incoming = attempt.syscalls();
        } else {
            incoming = begin(() -> this.inFlight.resolve(pod)).syscalls();
        }
        NodeScores scores = followPlan(pod, scores(nodes, incoming));
        observer.prioritized(podRef(pod), scores, System.nanoTime() - started);
        return scores.scores();
    }

    /** {@code scores} with the plan followed when one holds any of the candidates for the pod's workload. */
    private NodeScores followPlan(ScoringPod pod, NodeScores scores) {
        if (scoring.mode() != ExtenderScoring.Mode.MARGINAL) {
            return scores;
        }
        int[] followed = PlacementPlanner.follow(scores.scores(), scores.nodes(), plans.plannedNodes(pod));
        if (followed == scores.scores()) {
            return scores;
        }
        plans.followed();
        return new NodeScores(scores.nodes(), scores.exs(), followed);
    }

    private static ExtenderObserver.PodRef podRef(ScoringPod pod) {
        return new ExtenderObserver.PodRef(pod.namespace(), pod.name(), pod.uid());
    }

    private static <T> T begin(java.util.function.Supplier<T> begin) {
        try {
            return begin.get();
        } catch (RuntimeException e) {
            // the request's own pod (not one the informer vetted): anything the resolver cannot take is the request's
            // fault
            throw new BadExtenderRequestException("the Pod's syscall set cannot be resolved: " + e, e);
        }
    }

    /** Extender scores (0..10) for {@code incoming} on {@code nodes}, in order. */
    public int[] score(List<String> nodes, SyscallSet incoming) {
        return scores(nodes, incoming).scores();
    }

    /**
     * The one scoring of the extender: the ExS {@code incoming} would add on each of {@code nodes} and the extender
     * score (0..10) that ranks them, both from common's {@link ExtenderScoring} (the configured score, which the
     * simulator calls too). {@code /prioritize} answers it and the {@code explain} command prints it.
     */
    public NodeScores scores(List<String> nodes, SyscallSet incoming) {
        ExtenderScoring.Ranking ranking = scoring.rank(engine, nodes, incoming);
        return new NodeScores(nodes, ranking.exs(), ranking.scores());
    }
}
