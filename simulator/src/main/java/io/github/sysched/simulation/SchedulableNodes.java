package io.github.sysched.simulation;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Taint;
import io.github.sysched.scoring.ReplicaSpreadGuard;
import io.github.sysched.scoring.TaintToleration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The nodes of a {@code kubectl get nodes -o json} a simulated pod may land on: a node marked unschedulable
 * (cordoned) or tainted {@code NoSchedule}/{@code NoExecute} (control-plane nodes, typically) is left out, as
 * kube-scheduler leaves it out for pods without tolerations ({@link TaintToleration} with none: the simulated pods'
 * tolerations are not read, and every pod must be able to use every node the simulation has).
 *
 * @param names              schedulable nodes, in input order
 * @param excluded           left-out nodes with the reason, one line each
 * @param allocatablePods    the smallest {@code status.allocatable.pods} of the schedulable nodes, if any says
 * @param nodes              the schedulable nodes with what kube-scheduler reads of them: allocatable pods (110,
 *                           the kubelet's default, when absent), CPU and memory ({@link SimNode.NodeAllocatable#DEFAULT}
 *                           when absent), the {@value ReplicaSpreadGuard#ZONE_LABEL} label, PreferNoSchedule taints
 */
public record SchedulableNodes(
        List<String> names, List<String> excluded, OptionalInt allocatablePods, List<SimNode> nodes) {

    /** The kubelet's default {@code maxPods}. */
    public static final int KUBELET_DEFAULT_MAX_PODS = 110;

    public SchedulableNodes {
        names = List.copyOf(names);
        excluded = List.copyOf(excluded);
        nodes = List.copyOf(nodes);
    }

    public static SchedulableNodes of(List<Node> nodes) {
        List<String> names = new ArrayList<>();
        List<String> excluded = new ArrayList<>();
        List<SimNode> simNodes = new ArrayList<>();
        int minPods = Integer.MAX_VALUE;
        for (Node node : nodes) {
            String name = node.getMetadata().getName();
            Optional<TaintToleration.Refusal> refusal = TaintToleration.refusal(node, List.of());
            if (refusal.isPresent()) {
                Taint blocking = refusal.get().taint();
                excluded.add(
                        refusal.get().cordoned()
                                ? name + ": unschedulable (cordoned)"
                                : name + ": taint " + blocking.getKey() + ":" + blocking.getEffect());
                continue;
            }
            List<Taint> taints = node.getSpec() == null || node.getSpec().getTaints() == null
                    ? List.of()
                    : node.getSpec().getTaints();
            names.add(name);
            Map<String, Quantity> allocatable =
                    node.getStatus() == null || node.getStatus().getAllocatable() == null
                            ? Map.of()
                            : node.getStatus().getAllocatable();
            Quantity pods = allocatable.get("pods");
            int podLimit = KUBELET_DEFAULT_MAX_PODS;
            if (pods != null) {
                podLimit = pods.getNumericalAmount().intValue();
                minPods = Math.min(minPods, podLimit);
            }
            Quantity cpu = allocatable.get("cpu");
            Quantity memory = allocatable.get("memory");
            SimNode.NodeAllocatable resources = new SimNode.NodeAllocatable(
                    cpu == null ? SimNode.NodeAllocatable.DEFAULT.cpuMilli() : PodRequests.milliCpu(cpu),
                    memory == null ? SimNode.NodeAllocatable.DEFAULT.memoryBytes() : PodRequests.bytes(memory));
            Map<String, String> labels = node.getMetadata().getLabels() == null
                    ? Map.of()
                    : node.getMetadata().getLabels();
            int preferNoSchedule = (int) taints.stream()
                    .filter(t -> "PreferNoSchedule".equals(t.getEffect()))
                    .count();
            simNodes.add(new SimNode(
                    name,
                    Math.max(1, podLimit),
                    resources,
                    Optional.ofNullable(labels.get(ReplicaSpreadGuard.ZONE_LABEL)),
                    preferNoSchedule));
        }
        return new SchedulableNodes(
                names,
                excluded,
                minPods == Integer.MAX_VALUE ? OptionalInt.empty() : OptionalInt.of(minPods),
                simNodes);
    }
}
