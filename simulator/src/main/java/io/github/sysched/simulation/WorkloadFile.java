package io.github.sysched.simulation;

import io.github.sysched.syscall.SyscallSet;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalInt;

/**
 * A loaded workload file (see {@link WorkloadLoader} for the format).
 *
 * @param workload    the pods in arrival order (after the file's {@code order} setting)
 * @param listed      the same pods image by image in file order (what another {@code order} applies to)
 * @param profileDir  where the profiles were read from
 * @param universe    the syscall universe deny-list profiles were measured against
 * @param nodes       the file's suggested node count, if any
 * @param podsPerNode the file's suggested per-node pod limit, if any
 * @param replicas    image → replica count, in file order
 * @param profiles    image → allowed syscall set, in file order
 */
public record WorkloadFile(
        Workload workload,
        Workload listed,
        Path profileDir,
        SyscallSet universe,
        OptionalInt nodes,
        OptionalInt podsPerNode,
        Map<String, Integer> replicas,
        Map<String, SyscallSet> profiles) {

    public WorkloadFile {
        replicas = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(replicas));
        profiles = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(profiles));
    }

    /** The cluster the file suggests, with {@code defaultNodes}/{@code defaultPodsPerNode} for what it leaves open. */
    public ClusterSpec cluster(int defaultNodes, int defaultPodsPerNode) {
        return ClusterSpec.of(nodes.orElse(defaultNodes), podsPerNode.orElse(defaultPodsPerNode));
    }
}
