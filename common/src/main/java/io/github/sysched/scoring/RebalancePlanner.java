package io.github.sysched.scoring;

import io.github.sysched.syscall.SyscallSet;
import io.github.sysched.syscall.SyscallWeights;
import java.util.ArrayList;
import java.util.Comparator;
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
 * replacement is a new pod and may come back). Guarded replicas are kept apart as deployed ({@link Spreading}): by
 * the webhook-injected {@code topologySpreadConstraint}'s skew rule (the chart's default) or by the guard's bound.
 *
 * <p>The gain of evicting P from node n is {@code saving − added}: saving, the exposure P's leaving removes from n
 * (its marginal ExS there, {@link ExsEngine#marginal}); added, the exposure the replacement adds where it lands,
 * taken as the <em>largest</em> among the best-scored nodes because the scheduler may pick any of them (its own
 * plugins and its random tie-break decide). A positive gain is therefore realized whenever the scheduler takes a
 * node at the extender's best score; it is not when kube-scheduler's own plugins outvote the extender, or when a
 * filter the planner does not model (pod affinities, taints, IPP classes, unless {@link Room} says so) is stricter.
 * If P's own node is among the best, the gain is at most 0.
 *
 * <p>Pure: no client, no clock; the same input gives the same answer (ties go to the pod listed first).
 *
 * @param scoring  the extender's score, as deployed
 * @param weights  the extender's syscall weights: the gain is in weighted syscalls
 * @param guard     the replica-spread guard (its maxSkew)
 * @param spreading how guarded replicas are kept apart, as deployed
 * @param minGain   the least gain worth an eviction (≥ 1): below it the cluster is left alone
 */
public record RebalancePlanner(
        ExtenderScoring scoring, SyscallWeights weights, ReplicaSpreadGuard guard, Spreading spreading, long minGain) {

    /** How the scheduler keeps a guarded workload's replicas apart, which the replacement must pass. */
    public enum Spreading {
        /**
         * The webhook's injected {@code topologySpreadConstraints} ({@code DoNotSchedule}), as kube-scheduler's
         * PodTopologySpread filter applies them: the node's (and zone's) replicas + 1 − the fewest on any node (zone)
         * ≤ maxSkew; a node without the zone label fails while nodes have zones. The chart's default.
         */
        SKEW,
        /** The extender's filter: at most ⌈r/N⌉ + maxSkew − 1 per node (and per zone). */
        BOUND
    }

    /** The default {@link #minGain}, in (weighted) syscalls: see docs/PLACEMENT.md §9 for the sweep. */
    public static final long DEFAULT_MIN_GAIN = 5;

    public RebalancePlanner {
        Objects.requireNonNull(scoring, "scoring");
        Objects.requireNonNull(weights, "weights");
        Objects.requireNonNull(guard, "guard");
        Objects.requireNonNull(spreading, "spreading");
        if (minGain < 1) {
            throw new IllegalArgumentException("the minimum gain must be at least 1, got " + minGain);
        }
    }

    /** Replicas kept apart by the injected constraints, as the chart deploys. */
    public RebalancePlanner(ExtenderScoring scoring, SyscallWeights weights, ReplicaSpreadGuard guard, long minGain) {
        this(scoring, weights, guard, Spreading.SKEW, minGain);
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
     * @param evictable  a candidate: its controller recreates it when it is evicted (a ReplicaSet, StatefulSet or
     *                   ReplicationController) and the caller does not hold it back
     * @param guarded    the guard's workload key ({@link ReplicaSpreadGuard#workloadOf}) when the guard covers it
     */
    public record Pod(String uid, String node, SyscallSet syscalls, boolean evictable, Optional<String> guarded) {
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

    /**
     * The eviction that lowers the cluster ExS most, if one gains at least {@link #minGain}; of equal gains, the pod
     * listed first.
     *
     * <p>A gain is at most the pod's saving (what it adds on a landing node is never negative), so the pods are tried
     * in decreasing order of saving and the search stops at the first whose saving cannot beat the best gain found:
     * the same answer as trying every pod, at the cost of one saving per pod and a full evaluation only for the few
     * that could win.
     */
    public Optional<Eviction> plan(List<Node> nodes, List<Pod> pods, Room room) {
        Objects.requireNonNull(room, "room");
        Cluster cluster = new Cluster(nodes, pods);
        List<Integer> order = new ArrayList<>();
        long[] savings = new long[pods.size()];
        for (int i = 0; i < pods.size(); i++) {
            if (pods.get(i).evictable()) {
                savings[i] = cluster.saving(pods.get(i));
                order.add(i);
            }
        }
        order.sort(Comparator.<Integer>comparingLong(i -> savings[i]).reversed().thenComparing(i -> i));
        Eviction best = null;
        int bestIndex = -1;
        for (int i : order) {
            long bound = savings[i];
            if (bound < minGain || (best != null && (bound < best.gain() || (bound == best.gain() && i > bestIndex)))) {
                break;
            }
            Eviction eviction = cluster.evaluate(pods.get(i), bound, room);
            if (eviction != null
                    && eviction.gain() >= minGain
                    && (best == null
                            || eviction.gain() > best.gain()
                            || (eviction.gain() == best.gain() && i < bestIndex))) {
                best = eviction;
                bestIndex = i;
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
        private final Set<String> zoneNames = new HashSet<>();
        private final long exs;

        Cluster(List<Node> nodes, List<Pod> pods) {
            this.nodes = List.copyOf(nodes);
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

        /** The exposure {@code pod}'s leaving removes from its node: an upper bound of its eviction's gain. */
        long saving(Pod pod) {
            engine.remove(pod.uid());
            try {
                return engine.marginal(List.of(pod.node()), pod.syscalls()).added()[0];
            } finally {
                engine.place(pod.uid(), pod.node(), pod.syscalls());
            }
        }

        /** The eviction of {@code pod}, given its {@link #saving}; null when its replacement could go nowhere. */
        Eviction evaluate(Pod pod, long saving, Room room) {
            engine.remove(pod.uid());
            try {
                List<String> candidates = new ArrayList<>();
                for (Node node : nodes) {
                    boolean own = node.name().equals(pod.node());
                    if ((own || room.fits(pod, node.name())) && spreadAllows(pod, node)) {
                        candidates.add(node.name());
                    }
                }
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

        /** Whether the replacement may go to {@code node}, with {@code pod} itself no longer counted. */
        private boolean spreadAllows(Pod pod, Node node) {
            if (pod.guarded().isEmpty()) {
                return true;
            }
            String workload = pod.guarded().get();
            int here = onNode(workload, node.name(), pod);
            boolean zoned = zones > 0 && node.zone().isPresent();
            int inItsZone = zoned ? inZone(workload, node.zone().get(), pod) : 0;
            if (spreading == Spreading.BOUND) {
                int r = replicas.get(workload);
                return guard.allows(here, r, nodes.size()) && (!zoned || guard.allows(inItsZone, r, zones));
            }
            int fewestOnANode = Integer.MAX_VALUE;
            for (Node other : nodes) {
                fewestOnANode = Math.min(fewestOnANode, onNode(workload, other.name(), pod));
            }
            if (here + 1 - fewestOnANode > guard.maxSkew()) {
                return false;
            }
            if (zones == 0) {
                return true;
            }
            if (!zoned) {
                return false;
            }
            int fewestInAZone = Integer.MAX_VALUE;
            for (String zone : zoneNames) {
                fewestInAZone = Math.min(fewestInAZone, inZone(workload, zone, pod));
            }
            return inItsZone + 1 - fewestInAZone <= guard.maxSkew();
        }

        /** The workload's replicas on {@code node}, not counting {@code evicted}. */
        private int onNode(String workload, String node, Pod evicted) {
            return onNode.getOrDefault(workload + "\n" + node, 0)
                    - (evicted.node().equals(node) ? 1 : 0);
        }

        /** The workload's replicas in {@code zone}, not counting {@code evicted}. */
        private int inZone(String workload, String zone, Pod evicted) {
            boolean evictedThere = zoneOf.get(evicted.node()).map(zone::equals).orElse(false);
            return inZone.getOrDefault(workload + "\n" + zone, 0) - (evictedThere ? 1 : 0);
        }
    }
}
