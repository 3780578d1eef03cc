package io.github.sysched.demo;

import io.github.sysched.syscall.SyscallSet;
import java.util.Map;

/**
 * One pod's placement.
 *
 * @param rawExs        ExS the pod would add on each candidate node (lower is better)
 * @param extenderScore what the extender answered for each node (0..10, higher is better); empty for a baseline
 * @param clusterExs    Σ over nodes of each node's ExS after the pod was placed
 * @param syscalls      the pod's resolved syscall set (from its annotation)
 */
record PlacementStep(
        String workload,
        String pod,
        String node,
        Map<String, Long> rawExs,
        Map<String, Integer> extenderScore,
        long clusterExs,
        SyscallSet syscalls) {}
