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

    /**
     * The same pods in the order a cluster creates them when all their Deployments are applied at once: {@code workers}
     * ReplicaSet controller workers (kube-controller-manager's {@code --concurrent-replicaset-syncs}, default 5) each take
     * the next workload (the pods of one controller, in order of first appearance; a pod without one is its own) and create its pods in slow-start
     * batches of 1, 2, 4, 8, … (the ReplicaSet controller's {@code slowStartBatch}); the workers' batches interleave
     * one batch at a time. kube-scheduler's queue pops pods in creation order (same priority), so this is also the
     * order in which they are scheduled.
     */
    public Workload rolledOut(int workers) {
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be at least 1, got " + workers);
        }
        Map<String, List<SimPod>> byWorkload = new LinkedHashMap<>();
        for (SimPod pod : pods) {
            byWorkload
                    .computeIfAbsent(pod.controller().orElse(pod.name()), p -> new ArrayList<>())
                    .add(pod);
        }
        java.util.Deque<List<SimPod>> waiting = new java.util.ArrayDeque<>(byWorkload.values());
        List<List<SimPod>> active = new ArrayList<>();
        List<Integer> next = new ArrayList<>();
        List<Integer> batch = new ArrayList<>();
        List<SimPod> result = new ArrayList<>(pods.size());
        while (result.size() < pods.size()) {
            while (active.size() < workers && !waiting.isEmpty()) {
                active.add(waiting.removeFirst());
                next.add(0);
                batch.add(1);
            }
            for (int w = 0; w < active.size(); w++) {
                List<SimPod> group = active.get(w);
                int from = next.get(w);
                int to = Math.min(group.size(), from + batch.get(w));
                result.addAll(group.subList(from, to));
                next.set(w, to);
                batch.set(w, batch.get(w) * 2);
            }
            for (int w = active.size() - 1; w >= 0; w--) {
                if (next.get(w) == active.get(w).size()) {
                    active.remove(w);
                    next.remove(w);
                    batch.remove(w);
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
