package io.github.sysched.simulation;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The simulated nodes, in input order. A node holding {@link SimNode#podLimit()} pods is infeasible for
 * further pods. The order only names the nodes: every strategy breaks ties between equally good nodes at
 * random (seeded), as kube-scheduler does, never by position.
 */
public record ClusterSpec(List<SimNode> nodes) {

    /** No capacity limit. */
    public static final int UNLIMITED = Integer.MAX_VALUE;

    public ClusterSpec {
        nodes = List.copyOf(nodes);
        if (nodes.isEmpty()) {
            throw new IllegalArgumentException("a cluster needs at least one node");
        }
        Set<String> names = new HashSet<>();
        for (SimNode node : nodes) {
            if (!names.add(node.name())) {
                throw new IllegalArgumentException("duplicate node name: " + node.name());
            }
        }
    }

    /** Nodes with these names, each holding at most {@code podsPerNode} pods, default allocatable, no zone. */
    public ClusterSpec(List<String> nodeNames, int podsPerNode) {
        this(named(nodeNames, podsPerNode));
    }

    private static List<SimNode> named(List<String> nodeNames, int podsPerNode) {
        Objects.requireNonNull(nodeNames, "nodeNames");
        if (new HashSet<>(nodeNames).size() != nodeNames.size()) {
            throw new IllegalArgumentException("duplicate node names: " + nodeNames);
        }
        return nodeNames.stream().map(name -> new SimNode(name, podsPerNode)).toList();
    }

    /** {@code count} nodes named {@code node-01} .. (zero-padded to the width of {@code count}). */
    public static ClusterSpec of(int count, int podsPerNode) {
        if (count < 1) {
            throw new IllegalArgumentException("a cluster needs at least one node, got " + count);
        }
        int width = Math.max(2, String.valueOf(count).length());
        List<String> names = new ArrayList<>(count);
        for (int i = 1; i <= count; i++) {
            names.add(String.format("node-%0" + width + "d", i));
        }
        return new ClusterSpec(names, podsPerNode);
    }

    /** The same nodes with {@code allocatable} CPU and memory each. */
    public ClusterSpec withAllocatable(SimNode.NodeAllocatable allocatable) {
        return new ClusterSpec(nodes.stream()
                .map(n -> new SimNode(n.name(), n.podLimit(), allocatable, n.zone(), n.preferNoScheduleTaints()))
                .toList());
    }

    public List<String> nodeNames() {
        return nodes.stream().map(SimNode::name).toList();
    }

    public int nodeCount() {
        return nodes.size();
    }

    /** The largest per-node pod limit (the only one when all nodes agree). */
    public int podsPerNode() {
        return nodes.stream().mapToInt(SimNode::podLimit).max().orElseThrow();
    }

    /** The distinct zones of the nodes; empty when no node has a zone. */
    public Set<String> zones() {
        Set<String> zones = new java.util.TreeSet<>();
        nodes.forEach(n -> n.zone().ifPresent(zones::add));
        return zones;
    }

    public Optional<SimNode> node(String name) {
        return nodes.stream().filter(n -> n.name().equals(name)).findFirst();
    }

    /** Total pod slots (saturates at {@link Long#MAX_VALUE}). */
    public long capacity() {
        long total = 0;
        for (SimNode node : nodes) {
            if (node.podLimit() == UNLIMITED) {
                return Long.MAX_VALUE;
            }
            total += node.podLimit();
        }
        return total;
    }
}
