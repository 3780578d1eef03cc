package io.github.sysched.simulation;

import java.util.Objects;
import java.util.Optional;

/**
 * One simulated node.
 *
 * @param name                   the node name (also its {@code kubernetes.io/hostname})
 * @param podLimit               the most pods it holds ({@code status.allocatable.pods})
 * @param allocatable            allocatable CPU and memory
 * @param zone                   its {@code topology.kubernetes.io/zone} label, if any
 * @param preferNoScheduleTaints how many {@code PreferNoSchedule} taints it carries (kube-scheduler's
 *                               TaintToleration score counts those a pod does not tolerate; simulated pods tolerate
 *                               none)
 */
public record SimNode(
        String name, int podLimit, NodeAllocatable allocatable, Optional<String> zone, int preferNoScheduleTaints) {

    public SimNode {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(allocatable, "allocatable");
        Objects.requireNonNull(zone, "zone");
        if (name.isBlank()) {
            throw new IllegalArgumentException("a node needs a name");
        }
        if (podLimit < 1) {
            throw new IllegalArgumentException("pods per node must be at least 1, got " + podLimit);
        }
        if (preferNoScheduleTaints < 0) {
            throw new IllegalArgumentException("taint count cannot be negative");
        }
    }

    public SimNode(String name, int podLimit) {
        this(name, podLimit, NodeAllocatable.DEFAULT, Optional.empty(), 0);
    }

    /**
     * Allocatable CPU (millicores) and memory (bytes).
     *
     * <p>{@link #DEFAULT} (4 CPUs, 16 GiB) is an assumption for clusters given only as a node count; the
     * simulator's {@code kube} strategies depend on it only through the ratio of a pod's request to it.
     */
    public record NodeAllocatable(long cpuMilli, long memoryBytes) {

        public static final NodeAllocatable DEFAULT = new NodeAllocatable(4000, 16L * 1024 * 1024 * 1024);

        public NodeAllocatable {
            if (cpuMilli < 1 || memoryBytes < 1) {
                throw new IllegalArgumentException("allocatable CPU and memory must be positive");
            }
        }
    }
}
