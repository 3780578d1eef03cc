package io.github.sysched.scoring;

import io.github.sysched.syscall.SyscallSet;
import io.github.sysched.syscall.SyscallWeights;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A descheduler-style rebalancer's decision: which running pod to evict so that its replacement, scheduled like any
 * new pod, lowers the cluster's (weighted) ExS the most.
 *
 * <p>An evicted pod of a ReplicaSet, StatefulSet or ReplicationController is recreated by its controller and
 * scheduled again. Where it goes is what the deployed score decides, not what the rebalancer would like, so the
 * planner predicts that: it takes the pod out of the cluster, sends every node that would pass the filters (room,
 * and the {@link ReplicaSpreadGuard}'s bound for a guarded pod) to the extender's {@link ExtenderScoring}, and takes
 * the nodes at the best score as where the replacement lands. The pod's own node is one of the candidates (the
 * replacement is a new pod and may come back).
 *
 * <p>The gain of evicting P from node n is {@code saving − added}: saving, the exposure P's leaving removes from n
 * (its marginal ExS there, {@link ExsEngine#marginal}); added, the exposure the replacement adds where it lands,
 * taken as the <em>largest</em> among the best-scored nodes because the scheduler may pick any of them (its own
 * plugins and its random tie-break decide). A positive gain is therefore realized whenever the scheduler takes a
 * node at the extender's best score; it is not when kube-scheduler's own plugins outvote the extender, or when a
 * filter the planner does not model (e.g. a {@code topologySpreadConstraint}'s skew against the global minimum) is
 * stricter than the guard. If P's own node is among the best, the gain is at most 0.
 *
 * <p>Pure: no client, no clock; the same input gives the same answer (ties go to the pod listed first).
 *
 * @param scoring  the extender's score, as deployed
 * @param weights  the extender's syscall weights: the gain is in weighted syscalls
 * @param guard    the replica-spread guard's bound
 * @param minGain  the least gain worth an eviction (≥ 1): below it the cluster is left alone
 */
public record RebalancePlanner(
        ExtenderScoring scoring, SyscallWeights weights, ReplicaSpreadGuard guard, long minGain) {

    /** The default {@link #minGain}, in (weighted) syscalls: see docs/PLACEMENT.md §9 for the sweep. */
    public static final long DEFAULT_MIN_GAIN = 5;

    public RebalancePlanner {
        Objects.requireNonNull(scoring, "scoring");
        Objects.requireNonNull(weights, "weights");
        Objects.requireNonNull(guard, "guard");
        if (minGain < 1) {
            throw new IllegalArgumentException("the minimum gain must be at least 1, got " + minGain);
        }
    }

    /** A node, with its {@value ReplicaSpreadGuard#ZONE_LABEL} label if it has one. */
    public record Node(String name, Optional<String> zone) {
        public Node {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(zone, "zone");
        }
    }

    /**
     * A running pod.
     *
     * @param uid        unique among the pods
     * @param node       where it runs
     * @param syscalls   what it may call
     * @param recreated  its controller recreates it when it is evicted (a ReplicaSet, StatefulSet or
     *                   ReplicationController): only such pods are candidates
     * @param guarded    the guard's workload key ({@link ReplicaSpreadGuard#workloadOf}) when the guard covers it
     */
    public record Pod(String uid, String node, SyscallSet syscalls, boolean recreated, Optional<String> guarded) {
        public Pod {
            Objects.requireNonNull(uid, "uid");
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(syscalls, "syscalls");
            Objects.requireNonNull(guarded, "guarded");
        }
    }

    /** Whether {@code node} (never the pod's own) has room for {@code pod}: pod slots, requests. */
    @FunctionalInterface
    public interface Room {
        boolean fits(Pod pod, String node);
    }

    /**
     * The eviction chosen.
     *
     * @param pod       the pod to evict
     * @param gain      the cluster ExS it lowers (at least {@code minGain}), {@code saving − added}
     * @param saving    the exposure the pod's leaving removes
     * @param added     the most the replacement adds on any of {@code landing}
     * @param landing   the nodes at the extender's best score for the replacement (where it is expected to land)
     * @param exsBefore the cluster ExS the plan started from
     */
    public record Eviction(Pod pod, long gain, long saving, long added, List<String> landing, long exsBefore) {
        public Eviction {
            landing = List.copyOf(landing);
        }
    }

    /** The eviction that lowers the cluster ExS most, if one gains at least {@link #minGain}. */
    public Optional<Eviction> plan(List<Node> nodes, List<Pod> pods, Room room) {
        Objects.requireNonNull(room, "room");
        Cluster cluster = new Cluster(nodes, pods);
        Eviction best = null;
        for (Pod pod : pods) {
            if (!pod.recreated()) {
                continue;
            }
            Eviction eviction = cluster.evaluate(pod, room);
            if (eviction != null && eviction.gain() >= minGain && (best == null || eviction.gain() > best.gain())) {
                best = eviction;
            }
        }
        return Optional.ofNullable(best);
    }

    /** The state one plan reads: the ExS engine and the guard's replica counts. */
    private final class Cluster {
        private final List<Node> nodes;
        private final ExsEngine engine = new ExsEngine(weights);
        private final Map<String, Integer> replicas = new HashMap<>();
        private final Map<String, Integer> onNode = new HashMap<>();
        private final Map<String, Integer> inZone = new HashMap<>();
        private final Map<String, Optional<String>> zoneOf = new HashMap<>();
        private final int zones;
        private final long exs;

        Cluster(List<Node> nodes, List<Pod> pods) {
            this.nodes = List.copyOf(nodes);
            Set<String> zoneNames = new HashSet<>();
            for (Node node : nodes) {
                if (zoneOf.put(node.name(), node.zone()) != null) {
                    throw new IllegalArgumentException("node listed twice: " + node.name());
                }
                node.zone().ifPresent(zoneNames::add);
            }
            zones = zoneNames.size();
            Set<String> uids = new HashSet<>();
            for (Pod pod : pods) {
                if (!zoneOf.containsKey(pod.node())) {
                    throw new IllegalArgumentException(pod.uid() + " runs on an unknown node " + pod.node());
                }
                if (!uids.add(pod.uid())) {
                    throw new IllegalArgumentException("pod listed twice: " + pod.uid());
                }
                engine.place(pod.uid(), pod.node(), pod.syscalls());
                pod.guarded().ifPresent(w -> {
                    replicas.merge(w, 1, Integer::sum);
                    onNode.merge(w + "\n" + pod.node(), 1, Integer::sum);
                    zoneOf.get(pod.node()).ifPresent(z -> inZone.merge(w + "\n" + z, 1, Integer::sum));
                });
            }
            exs = engine.clusterExs();
        }

        /** The eviction of {@code pod}, or null when its replacement could go nowhere. */
        Eviction evaluate(Pod pod, Room room) {
            engine.remove(pod.uid());
            try {
                List<String> candidates = new ArrayList<>();
                for (Node node : nodes) {
                    boolean own = node.name().equals(pod.node());
                    if ((own || room.fits(pod, node.name())) && guardAllows(pod, node, own)) {
                        candidates.add(node.name());
                    }
                }
                long saving =
                        engine.marginal(List.of(pod.node()), pod.syscalls()).added()[0];
                if (candidates.isEmpty()) {
                    return null;
                }
                int[] scores = scoring.scores(engine, candidates, pod.syscalls());
                long[] added = engine.marginal(candidates, pod.syscalls()).added();
                int top = 0;
                for (int score : scores) {
                    top = Math.max(top, score);
                }
                long worst = 0;
                List<String> landing = new ArrayList<>();
                for (int i = 0; i < scores.length; i++) {
                    if (scores[i] == top) {
                        landing.add(candidates.get(i));
                        worst = Math.max(worst, added[i]);
                    }
                }
                return new Eviction(pod, saving - worst, saving, worst, landing, exs);
            } finally {
                engine.place(pod.uid(), pod.node(), pod.syscalls());
            }
        }

        /** The guard's bound for the replacement, with {@code pod} itself no longer counted. */
        private boolean guardAllows(Pod pod, Node node, boolean own) {
            if (pod.guarded().isEmpty()) {
                return true;
            }
            String workload = pod.guarded().get();
            int r = replicas.get(workload);
            int here = onNode.getOrDefault(workload + "\n" + node.name(), 0) - (own ? 1 : 0);
            if (!guard.allows(here, r, nodes.size())) {
                return false;
            }
            if (zones > 0 && node.zone().isPresent()) {
                boolean ownZone = zoneOf.get(pod.node()).equals(node.zone());
                int zone = inZone.getOrDefault(workload + "\n" + node.zone().get(), 0) - (ownZone ? 1 : 0);
                return guard.allows(zone, r, zones);
            }
            return true;
        }
    }
}
