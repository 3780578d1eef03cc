package io.github.sysched.scheduler.explain;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Taint;
import io.github.sysched.pod.ScoringPod;
import io.github.sysched.scheduler.extender.ExtenderService;
import io.github.sysched.scheduler.extender.NodeScores;
import io.github.sysched.scheduler.state.ClusterState;
import io.github.sysched.scheduler.state.PodSetResolver;
import io.github.sysched.scoring.ExsEngine;
import io.github.sysched.scoring.NodeSnapshot;
import io.github.sysched.scoring.TaintToleration;
import io.github.sysched.syscall.SyscallSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the extender would answer for one pod on the cluster as it is: per node the ExS the pod would add there (the
 * extender's own {@link ExtenderService#scores}), the attack surface |U| before and after, and the syscalls that would
 * become extraneous; the node sysched would choose. Built from the extender's own state and service, never a second
 * scoring.
 *
 * @param pod    the pod and where its syscall set came from
 * @param nodes  every node considered, scored ones first in the cluster's order, then those left out
 * @param chosen the nodes with the highest extender score (one, unless kube-scheduler has a tie to break)
 * @param notes  what the figures leave out
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Explanation(
        PodFacts pod, List<NodeFacts> nodes, List<String> chosen, Integer chosenScore, List<String> notes) {

    /**
     * @param syscalls     |P|, the pod's syscall set's size
     * @param source       where the set came from: {@code annotation}, {@code missing} or {@code malformed} (the
     *                     annotation; then the pod's own profiles, as the extender resolves such a pod)
     * @param currentNode  where the pod runs now (its own contribution is left out of that node's figures)
     * @param from         a manifest's object, e.g. {@code Deployment redis1}
     * @param admission    how the manifest's pod was admitted ({@code dry-run}, or why not)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record PodFacts(
            String namespace,
            String name,
            String uid,
            int syscalls,
            String source,
            String currentNode,
            String from,
            String admission) {}

    /**
     * One node. {@code status} {@code scored}: every figure is set; {@code filtered} (sysched's IPP filter) and
     * {@code left-out} (cordoned, or a taint the pod does not tolerate): {@code reason} says why.
     *
     * @param pods                the pods counted on the node now
     * @param exs                 the ExS the pod would add there (the extender's raw score, lower is better)
     * @param score               the extender's score (0..10)
     * @param rank                1 + the candidates with a lower ExS
     * @param attackSurfaceBefore |U|: syscalls some pod on the node may make now
     * @param attackSurfaceAfter  |U ∪ P|
     * @param extraneousForPod    U ∖ P: what the node's pods may make and this pod may not
     * @param newForNodePods      P ∖ U: what this pod brings that none of the node's pods may make, extraneous for
     *                            each of them ({@code pods} of them)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record NodeFacts(
            String name,
            String status,
            String reason,
            Integer pods,
            Long exs,
            Integer score,
            Integer rank,
            Integer attackSurfaceBefore,
            Integer attackSurfaceAfter,
            List<String> extraneousForPod,
            List<String> newForNodePods) {

        static NodeFacts notCandidate(String name, String status, String reason) {
            return new NodeFacts(name, status, reason, null, null, null, null, null, null, null, null);
        }
    }

    /**
     * @param pod         the pod as the extender would receive it
     * @param resolution  its syscall set, resolved by the extender's resolver
     * @param nodes       the cluster's nodes (in the order to print them)
     * @param state       the extender's state, without the pod itself
     */
    static Explanation of(
            PodFacts facts,
            Pod pod,
            PodSetResolver.Resolution resolution,
            List<Node> nodes,
            ExtenderService service,
            ClusterState state,
            List<String> notes) {
        SyscallSet incoming = resolution.syscalls();
        List<NodeFacts> leftOut = new ArrayList<>();
        List<String> candidates = new ArrayList<>();
        for (Node node : nodes) {
            String name = node.getMetadata().getName();
            Optional<String> reason = unschedulable(node, pod);
            if (reason.isPresent()) {
                leftOut.add(NodeFacts.notCandidate(name, "left-out", reason.get()));
            } else {
                candidates.add(name);
            }
        }
        String notReady = service.notReady();
        if (notReady != null) {
            throw new IllegalStateException("the extender's filter answered: " + notReady);
        }
        ExtenderService.FilterOutcome filtered = service.filterNodes(ScoringPod.of(pod), candidates);
        Map<String, String> failed = filtered.failed();
        List<String> passing = filtered.passing();
        NodeScores scores = service.scores(passing, incoming);
        ExsEngine engine = state.engine();
        List<NodeFacts> rows = new ArrayList<>();
        for (int i = 0; i < scores.size(); i++) {
            String name = scores.nodes().get(i);
            SyscallSet union = engine.attackSurface(name);
            int pods = engine.node(name).map(NodeSnapshot::podCount).orElse(0);
            rows.add(new NodeFacts(
                    name,
                    "scored",
                    null,
                    pods,
                    scores.exs()[i],
                    scores.scores()[i],
                    scores.rank(i),
                    union.cardinality(),
                    union.union(incoming).cardinality(),
                    union.difference(incoming).names(),
                    pods == 0 ? List.of() : incoming.difference(union).names()));
        }
        Map<String, String> failedInOrder = new LinkedHashMap<>();
        candidates.stream().filter(failed::containsKey).forEach(n -> failedInOrder.put(n, failed.get(n)));
        failedInOrder.forEach((name, reason) -> rows.add(NodeFacts.notCandidate(name, "filtered", reason)));
        rows.addAll(leftOut);
        List<String> chosen = scores.chosen().stream().map(scores.nodes()::get).toList();
        Integer chosenScore =
                chosen.isEmpty() ? null : scores.scores()[scores.chosen().get(0)];
        return new Explanation(facts, rows, chosen, chosenScore, notes);
    }

    /**
     * Why kube-scheduler would not consider {@code node} for {@code pod} before asking the extender, as far as
     * explain models it ({@link TaintToleration}): cordoned, or a {@code NoSchedule}/{@code NoExecute} taint the pod
     * does not tolerate.
     */
    static Optional<String> unschedulable(Node node, Pod pod) {
        return TaintToleration.refusal(node, TaintToleration.tolerationsOf(pod)).map(refusal -> {
            Taint taint = refusal.taint();
            return refusal.cordoned()
                    ? "unschedulable (cordoned)"
                    : "taint " + taint.getKey() + (taint.getValue() == null ? "" : "=" + taint.getValue()) + ":"
                            + taint.getEffect() + " not tolerated";
        });
    }
}
