package io.github.sysched.simulation;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/** An ordered list of pods: the order in which they arrive at the scheduler. Pod names are unique. */
public record Workload(List<SimPod> pods) {

    public Workload {
        pods = List.copyOf(pods);
        Set<String> names = new HashSet<>();
        for (SimPod pod : pods) {
            if (!names.add(pod.name())) {
                throw new IllegalArgumentException("duplicate pod name in workload: " + pod.name());
            }
        }
    }

    public static Workload of(SimPod... pods) {
        return new Workload(List.of(pods));
    }

    public int size() {
        return pods.size();
    }

    /**
     * The same pods, round-robin over profiles in order of first appearance (a1 b1 c1 a2 b2 ...), the order
     * in which pods of several deployments rolled out together would arrive.
     */
    public Workload interleaved() {
        Map<String, List<SimPod>> byProfile = new LinkedHashMap<>();
        for (SimPod pod : pods) {
            byProfile.computeIfAbsent(pod.profile(), p -> new ArrayList<>()).add(pod);
        }
        List<SimPod> result = new ArrayList<>(pods.size());
        for (int round = 0; result.size() < pods.size(); round++) {
            for (List<SimPod> group : byProfile.values()) {
                if (round < group.size()) {
                    result.add(group.get(round));
                }
            }
        }
        return new Workload(result);
    }

    /** The same pods in a pseudo-random order fixed by {@code seed} ({@link Collections#shuffle(List, Random)}). */
    public Workload shuffled(long seed) {
        List<SimPod> result = new ArrayList<>(pods);
        Collections.shuffle(result, new Random(seed));
        return new Workload(result);
    }
}
