package io.github.sysched.scheduler.extender;

import io.github.sysched.ipp.IppClass;
import io.github.sysched.kube.ClusterView;
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
import tools.jackson.databind.JsonNode;

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

    /** {@code observer} hears of every answer (the debug log line, the placement Events). */
    public ExtenderService(ClusterState state, PodSetResolver resolver, ClusterView view, ExtenderObserver observer) {
        this.state = state;
        this.engine = state.engine();
        this.resolver = resolver;
        this.view = view;
        this.observer = observer;
    }

    /** The state is complete once the pod informer's initial list has been applied. */
    private boolean podsSynced() {
        return view.synced(ClusterView.Resource.PODS);
    }

    public ExtenderFilterResult filter(ExtenderArgs args) {
        if (args == null || args.pod() == null) {
            return ExtenderFilterResult.error("extender request without a Pod");
        }
        if (!podsSynced()) {
            return ExtenderFilterResult.error("sysched extender: not ready: " + view.problem());
        }
        long started = System.nanoTime();
        String podClass = state.ippClassOf(args.pod());
        Map<String, String> failed = new LinkedHashMap<>();
        List<String> passingNames = null;
        NodeList passingNodes = null;
        if (args.nodeNames() != null) {
            passingNames = new ArrayList<>(args.nodeNames().size());
            for (String node : args.nodeNames()) {
                String reason = ippReason(podClass, node);
                if (reason == null) {
                    passingNames.add(node);
                } else {
                    failed.put(node, reason);
                }
            }
        }
        if (args.nodes() != null) {
            List<JsonNode> items = new ArrayList<>(args.nodes().items().size());
            for (JsonNode item : args.nodes().items()) {
                String node = NodeList.nameOf(item);
                String reason = node == null ? null : ippReason(podClass, node);
                if (reason == null) {
                    items.add(item);
                } else {
                    failed.put(node, reason);
                }
            }
            passingNodes = new NodeList(items);
        }
        ExtenderFilterResult result = new ExtenderFilterResult(passingNodes, passingNames, failed, Map.of(), "");
        observer.filtered(ExtenderObserver.PodRef.of(args.pod()), candidateNames(args).size(), failed,
                System.nanoTime() - started);
        return result;
    }

    private String ippReason(String podClass, String node) {
        if (podClass == null) {
            return null;
        }
        Set<String> classes = state.ippClassesOn(node);
        if (IppClass.mayShareNode(podClass, classes)) {
            return null;
        }
        // One text for every node that fails this pod: kube-scheduler counts equal reasons in its FailedScheduling
        // Event ("0/5 nodes are available: 3 node(s) run pods of another ...").
        return "node(s) run pods of another sysched isolation class than the pod's (" + podClass + ")";
    }

    public List<HostPriority> prioritize(ExtenderArgs args) {
        List<String> nodes = candidateNames(args);
        if (nodes.isEmpty()) {
            return List.of();
        }
        if (args.pod() == null || !podsSynced()) {
            return nodes.stream().map(n -> new HostPriority(n, 0)).toList();
        }
        long started = System.nanoTime();
        SyscallSet incoming;
        try {
            incoming = resolver.resolve(args.pod(), PodSetResolver.Source.REQUEST).syscalls();
        } catch (RuntimeException e) {
            // the request's own pod (not one the informer vetted): anything the resolver cannot take is the request's fault
            throw new BadExtenderRequestException("the Pod's syscall set cannot be resolved: " + e, e);
        }
        NodeScores scores = scores(nodes, incoming);
        observer.prioritized(ExtenderObserver.PodRef.of(args.pod()), scores, System.nanoTime() - started);
        return scores.hostPriorities();
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
