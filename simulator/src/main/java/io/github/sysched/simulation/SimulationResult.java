package io.github.sysched.simulation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One strategy's placement of one workload.
 *
 * @param nodeOfPod   pod name → node name, in arrival order (placed pods only)
 * @param unscheduled pods no feasible node could take, in arrival order
 */
public record SimulationResult(Strategy strategy, ClusterSpec cluster, Workload workload, Map<String, String> nodeOfPod,
        List<String> unscheduled, PlacementMetrics metrics) {

    public SimulationResult {
        nodeOfPod = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(nodeOfPod));
        unscheduled = List.copyOf(unscheduled);
    }

    /** The pods on each node, nodes in cluster order (empty nodes included), pods in arrival order. */
    public Map<String, List<SimPod>> podsByNode() {
        Map<String, List<SimPod>> byNode = new LinkedHashMap<>();
        for (String node : cluster.nodeNames()) {
            byNode.put(node, new ArrayList<>());
        }
        for (SimPod pod : workload.pods()) {
            String node = nodeOfPod.get(pod.name());
            if (node != null) {
                byNode.get(node).add(pod);
            }
        }
        return byNode;
    }
}
