package io.github.sysched.simulation;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

/**
 * The simulated nodes, in index order (ties between equally good nodes go to the lowest index), and how
 * many pods a node holds at most. A node holding {@code podsPerNode} pods is infeasible for further pods.
 */
public record ClusterSpec(List<String> nodeNames, int podsPerNode) {

    /** No capacity limit. */
    public static final int UNLIMITED = Integer.MAX_VALUE;

    public ClusterSpec {
        nodeNames = List.copyOf(nodeNames);
        if (nodeNames.isEmpty()) {
            throw new IllegalArgumentException("a cluster needs at least one node");
        }
        if (new HashSet<>(nodeNames).size() != nodeNames.size()) {
            throw new IllegalArgumentException("duplicate node names: " + nodeNames);
        }
        if (podsPerNode < 1) {
            throw new IllegalArgumentException("pods per node must be at least 1, got " + podsPerNode);
        }
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

    public int nodeCount() {
        return nodeNames.size();
    }

    /** Total pod slots (saturates at {@link Integer#MAX_VALUE}). */
    public long capacity() {
        return podsPerNode == UNLIMITED ? Long.MAX_VALUE : (long) podsPerNode * nodeNames.size();
    }
}
