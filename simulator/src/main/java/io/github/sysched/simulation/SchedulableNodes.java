package io.github.sysched.simulation;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Taint;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * The nodes of a {@code kubectl get nodes -o json} a simulated pod may land on: a node marked unschedulable
 * (cordoned) or tainted {@code NoSchedule}/{@code NoExecute} (control-plane nodes, typically) is left out, as
 * kube-scheduler leaves it out for pods without tolerations.
 *
 * @param names              schedulable nodes, in input order
 * @param excluded           left-out nodes with the reason, one line each
 * @param allocatablePods    the smallest {@code status.allocatable.pods} of the schedulable nodes, if any says
 */
public record SchedulableNodes(List<String> names, List<String> excluded, OptionalInt allocatablePods) {

    public SchedulableNodes {
        names = List.copyOf(names);
        excluded = List.copyOf(excluded);
    }

    public static SchedulableNodes of(List<Node> nodes) {
        List<String> names = new ArrayList<>();
        List<String> excluded = new ArrayList<>();
        int minPods = Integer.MAX_VALUE;
        for (Node node : nodes) {
            String name = node.getMetadata().getName();
            if (node.getSpec() != null && Boolean.TRUE.equals(node.getSpec().getUnschedulable())) {
                excluded.add(name + ": unschedulable (cordoned)");
                continue;
            }
            List<Taint> taints = node.getSpec() == null || node.getSpec().getTaints() == null
                    ? List.of() : node.getSpec().getTaints();
            Taint blocking = taints.stream()
                    .filter(t -> "NoSchedule".equals(t.getEffect()) || "NoExecute".equals(t.getEffect()))
                    .findFirst().orElse(null);
            if (blocking != null) {
                excluded.add(name + ": taint " + blocking.getKey() + ":" + blocking.getEffect());
                continue;
            }
            names.add(name);
            Quantity pods = node.getStatus() == null || node.getStatus().getAllocatable() == null
                    ? null : node.getStatus().getAllocatable().get("pods");
            if (pods != null) {
                minPods = Math.min(minPods, pods.getNumericalAmount().intValue());
            }
        }
        return new SchedulableNodes(names, excluded,
                minPods == Integer.MAX_VALUE ? OptionalInt.empty() : OptionalInt.of(minPods));
    }
}
