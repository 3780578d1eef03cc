package io.github.sysched.scheduler.rebalance;

import io.fabric8.kubernetes.api.model.DeleteOptionsBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.policy.v1.Eviction;
import io.fabric8.kubernetes.api.model.policy.v1.EvictionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.RequestConfigBuilder;
import io.github.sysched.ipp.IppClass;
import io.github.sysched.kube.ClusterView;
import io.github.sysched.scheduler.config.SchedulerProperties;
import io.github.sysched.scheduler.leader.Leadership;
import io.github.sysched.scheduler.state.ClusterState;
import io.github.sysched.scoring.ExsEngine;
import io.github.sysched.scoring.ExtenderScoring;
import io.github.sysched.scoring.RebalancePlanner;
import io.github.sysched.scoring.ReplicaSpreadGuard;
import io.github.sysched.scoring.TaintToleration;
import io.github.sysched.syscall.SyscallSet;
import io.github.sysched.syscall.SyscallWeights;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rebalancer controller (docs/PLACEMENT.md §9, "The controller"): a thin shell around common's
 * {@link RebalancePlanner}. Each {@link #tick()} reads the extender's own state (the pods its {@link ClusterState}
 * counts, with their syscall sets, and the {@link ClusterView}'s pods, Nodes and Namespaces), asks the planner for the
 * one eviction that lowers the cluster's (weighted) ExS most, and makes it through the policy/v1 Eviction API, so a
 * PodDisruptionBudget can refuse it (429: counted as {@code refused_pdb}, tried again next interval; the client does not
 * retry it by itself).
 *
 * <p>It decides only on the leader, while the view is synced, when no pod of the extender's scheduler is pending
 * (an evicted pod's replacement is one) and no earlier eviction's replacement is still awaited, and within
 * {@code max-per-hour}. Candidates are the running pods of {@code scheduler-name} whose controller is a ReplicaSet,
 * StatefulSet or ReplicationController and not held back; pods being deleted are left out of the plan (they are about
 * to go) but keep their pod slot. The replacement's room: a Node that takes no new pod with the evicted pod's
 * tolerations (its replacement has the same template) is no candidate ({@link TaintToleration}: cordoned, or a
 * NoSchedule/NoExecute taint they do not tolerate), nor a Node whose {@code status.allocatable.pods} its counted pods
 * fill, nor one the extender's IPP filter would refuse for the pod's class. CPU and memory requests, node affinity
 * and pod (anti-)affinity are not modelled: a replacement they send elsewhere is caught by the follow-up below.
 *
 * <p>After an eviction it waits for the replacement (a pod of the same controller that was not there at the
 * eviction) to be counted on a node, and compares: a replacement off the predicted nodes that realized less than
 * predicted holds its workload back for {@code hold-back} (as the simulator's rule does), and so does a replacement
 * not counted anywhere within {@code hold-back}.
 *
 * <p>{@link #tick()} is synchronized; {@link RebalancerConfiguration} calls it from one thread.
 */
public final class Rebalancer {

    private static final Logger log = LoggerFactory.getLogger(Rebalancer.class);
    private static final Duration HOUR = Duration.ofHours(1);

    /** What one {@link #tick()} did. */
    public enum Outcome {
        NOT_LEADING,
        NOT_SYNCED,
        /** A pod of the extender's scheduler is pending. */
        POD_PENDING,
        /** An evicted pod's replacement is not counted on a node yet. */
        AWAITING_REPLACEMENT,
        /** {@code max-per-hour} reached. */
        CAPPED,
        /** No eviction gains {@code min-gain}. */
        NOTHING_TO_GAIN,
        DRY_RUN,
        EVICTED,
        REFUSED_PDB,
        FAILED
    }

    /** An eviction whose replacement is awaited. */
    private record Awaited(
            String controllerUid,
            String workload,
            String pod,
            String podUid,
            Set<String> podsBefore,
            RebalancePlanner.Eviction plan,
            long evictedAt) {}

    private final KubernetesClient client;
    private final ClusterView view;
    private final ClusterState state;
    private final Leadership leadership;
    private final SchedulerProperties.Rebalancer settings;
    private final RebalancePlanner planner;
    private final SyscallWeights weights;
    private final RebalancerMetrics metrics;
    private final LongSupplier clock;

    /** When the evictions (and dry-run decisions) of the last hour were made, oldest first (clock nanos). */
    private final Deque<Long> recent = new ArrayDeque<>();
    /** Controller UID → until when its pods are no candidates (clock nanos). */
    private final Map<String, Long> heldBack = new HashMap<>();

    private Awaited awaited;

    public Rebalancer(
            KubernetesClient client,
            ClusterView view,
            ClusterState state,
            Leadership leadership,
            SchedulerProperties properties,
            RebalancerMetrics metrics,
            LongSupplier clock) {
        // fabric8 retries a 429 with backoff (10 times by default, ~20 s): a PodDisruptionBudget's "not now" is an
        // answer here, tried again next interval, so this client does not retry
        this.client = client.newClient(
                        new RequestConfigBuilder(client.getConfiguration().getRequestConfig())
                                .withRequestRetryBackoffLimit(0)
                                .build())
                .adapt(KubernetesClient.class);
        this.view = view;
        this.state = state;
        this.leadership = leadership;
        this.settings = properties.rebalancer();
        this.weights = properties.syscallWeights();
        ExtenderScoring scoring = properties.scoring().extenderScoring();
        this.planner = new RebalancePlanner(
                scoring,
                weights,
                new ReplicaSpreadGuard(settings.replicaSpread().maxSkew()),
                RebalancePlanner.Spreading.SKEW,
                settings.minGain());
        this.metrics = metrics;
        this.clock = clock;
    }

    /** One decision: at most one eviction. */
    public synchronized Outcome tick() {
        if (!leadership.leading()) {
            return Outcome.NOT_LEADING;
        }
        if (!view.synced()) {
            return Outcome.NOT_SYNCED;
        }
        long now = clock.getAsLong();
        List<Pod> pods = new ArrayList<>();
        view.forEachPod(pods::add);
        heldBack.values().removeIf(until -> until - now <= 0);
        boolean settled = awaited == null || followUp(pods, now);
        metrics.heldBack(heldBack.size());
        if (!settled) {
            return Outcome.AWAITING_REPLACEMENT;
        }
        Optional<Pod> pending = pods.stream().filter(this::pendingOfOurs).findFirst();
        if (pending.isPresent()) {
            log.debug("rebalancer: waiting, pod {} is pending", key(pending.get()));
            return Outcome.POD_PENDING;
        }
        while (!recent.isEmpty() && now - recent.peekFirst() >= HOUR.toNanos()) {
            recent.removeFirst();
        }
        if (recent.size() >= settings.maxPerHour()) {
            log.debug("rebalancer: {} evictions in the last hour, the most max-per-hour allows", recent.size());
            return Outcome.CAPPED;
        }
        Input input = input(pods);
        Optional<RebalancePlanner.Eviction> plan = planner.plan(input.nodes, input.pods, input.room());
        if (plan.isEmpty()) {
            log.debug("rebalancer: no eviction gains at least {}", settings.minGain());
            return Outcome.NOTHING_TO_GAIN;
        }
        RebalancePlanner.Eviction eviction = plan.get();
        Pod pod = input.byUid.get(eviction.pod().uid());
        String describe = String.format(
                "%s on %s, predicted gain %d (saving %d, adding at most %d on %s; cluster ExS %d)",
                key(pod),
                eviction.pod().node(),
                eviction.gain(),
                eviction.saving(),
                eviction.added(),
                eviction.landing(),
                eviction.exsBefore());
        if (settings.dryRun()) {
            recent.addLast(now);
            metrics.decided(RebalancerMetrics.Result.DRY_RUN, eviction.gain());
            log.info("rebalancer (dry run): would evict {}", describe);
            return Outcome.DRY_RUN;
        }
        boolean evicted;
        try {
            evicted = client.pods()
                    .inNamespace(pod.getMetadata().getNamespace())
                    .withName(pod.getMetadata().getName())
                    .evict(eviction(pod));
        } catch (KubernetesClientException e) {
            metrics.decided(RebalancerMetrics.Result.FAILED, eviction.gain());
            log.warn(
                    "rebalancer: eviction of {} failed ({} {}); trying again next interval",
                    describe,
                    e.getCode(),
                    e.getMessage());
            return Outcome.FAILED;
        }
        if (!evicted) {
            metrics.decided(RebalancerMetrics.Result.REFUSED_PDB, eviction.gain());
            log.info(
                    "rebalancer: a PodDisruptionBudget refuses the eviction now (429), trying again next interval: {}",
                    describe);
            return Outcome.REFUSED_PDB;
        }
        recent.addLast(now);
        metrics.decided(RebalancerMetrics.Result.EVICTED, eviction.gain());
        OwnerReference controller = ReplicaSpreadGuard.controllerOf(pod).orElseThrow();
        Set<String> siblings = new HashSet<>();
        for (Pod other : pods) {
            if (controlledBy(other, controller.getUid())) {
                siblings.add(other.getMetadata().getUid());
            }
        }
        awaited = new Awaited(
                controller.getUid(),
                workload(pod, controller),
                key(pod),
                pod.getMetadata().getUid(),
                siblings,
                eviction,
                now);
        log.info("rebalancer: evicted {}", describe);
        return Outcome.EVICTED;
    }

    /** Workloads held back now. */
    public synchronized int heldBackCount() {
        return heldBack.size();
    }

    /** Whether the workload of controller {@code controllerUid} is held back now. */
    public synchronized boolean heldBack(String controllerUid) {
        Long until = heldBack.get(controllerUid);
        return until != null && until - clock.getAsLong() > 0;
    }

    /**
     * The awaited replacement: true when the eviction is settled (replacement counted and compared, or given up),
     * false while it is still awaited.
     */
    private boolean followUp(List<Pod> pods, long now) {
        Awaited wait = awaited;
        Map<String, Map.Entry<String, SyscallSet>> placements = state.engine().placements();
        for (Pod pod : pods) {
            String uid = pod.getMetadata().getUid();
            if (!controlledBy(pod, wait.controllerUid) || wait.podsBefore.contains(uid)) {
                continue;
            }
            Map.Entry<String, SyscallSet> placed = placements.get(uid);
            if (placed == null) {
                continue; // not bound yet, or not counted yet
            }
            String node = placed.getKey();
            // the cluster without the replacement and without the evicted pod, which may still be terminating
            ExsEngine without = new ExsEngine(weights);
            placements.forEach((other, at) -> {
                if (!other.equals(uid) && !other.equals(wait.podUid)) {
                    without.place(other, at.getKey(), at.getValue());
                }
            });
            long added = without.marginal(List.of(node), placed.getValue()).added()[0];
            long realized = wait.plan.saving() - added;
            boolean predicted = wait.plan.landing().contains(node);
            metrics.replaced(predicted, realized);
            if (!predicted && realized < wait.plan.gain()) {
                heldBack.put(wait.controllerUid, now + settings.holdBack().toNanos());
                log.info(
                        "rebalancer: the replacement {} of {} landed on {}, off the prediction {}, realizing {} of the "
                                + "predicted gain {}; holding {} back for {}",
                        key(pod),
                        wait.pod,
                        node,
                        wait.plan.landing(),
                        realized,
                        wait.plan.gain(),
                        wait.workload,
                        settings.holdBack());
            } else {
                log.info(
                        "rebalancer: the replacement {} of {} landed on {} ({}), realizing {} of the predicted gain {}",
                        key(pod),
                        wait.pod,
                        node,
                        predicted ? "as predicted" : "off the prediction " + wait.plan.landing(),
                        realized,
                        wait.plan.gain());
            }
            awaited = null;
            return true;
        }
        if (now - wait.evictedAt >= settings.holdBack().toNanos()) {
            metrics.replacementMissing();
            heldBack.put(wait.controllerUid, now + settings.holdBack().toNanos());
            log.warn(
                    "rebalancer: no replacement of {} counted on a node within {}; holding {} back for as long",
                    wait.pod,
                    settings.holdBack(),
                    wait.workload);
            awaited = null;
            return true;
        }
        return false;
    }

    /** The planner's input, read from the view and the state. */
    private final class Input {
        final List<RebalancePlanner.Node> nodes = new ArrayList<>();
        final List<RebalancePlanner.Pod> pods = new ArrayList<>();
        final Map<String, Pod> byUid = new HashMap<>();
        final Map<String, Integer> podsOn = new HashMap<>();
        final Map<String, Node> nodeByName = new HashMap<>();
        final Map<String, Optional<String>> classes = new HashMap<>();

        RebalancePlanner.Room room() {
            return (pod, node) -> {
                Node target = nodeByName.get(node);
                if (target == null
                        || !TaintToleration.admits(target, TaintToleration.tolerationsOf(byUid.get(pod.uid())))) {
                    return false;
                }
                Optional<Integer> slots = podSlots(target);
                if (slots.isPresent() && podsOn.getOrDefault(node, 0) >= slots.get()) {
                    return false;
                }
                Optional<String> podClass = classes.computeIfAbsent(
                        pod.uid(), uid -> Optional.ofNullable(state.ippClassOf(byUid.get(uid))));
                return IppClass.mayShareNode(podClass.orElse(null), state.ippClassesOn(node));
            };
        }
    }

    private Input input(List<Pod> cached) {
        Input input = new Input();
        List<Node> nodes = view.nodes();
        // the webhook's zones: auto, from the same Node cache: every node carries the zone label, at least two zones
        boolean zoned = settings.replicaSpread().zones()
                && view.everyNodeHasZone()
                && view.nodeZones().size() >= 2;
        for (Node node : nodes) {
            String name = node.getMetadata().getName();
            input.nodeByName.put(name, node);
            Optional<String> zone =
                    zoned ? Optional.ofNullable(labels(node).get(ReplicaSpreadGuard.ZONE_LABEL)) : Optional.empty();
            input.nodes.add(new RebalancePlanner.Node(name, zone));
        }
        Map<String, Map.Entry<String, SyscallSet>> placements = state.engine().placements();
        Map<String, Map<String, String>> namespaceLabels = new HashMap<>();
        for (Pod pod : cached) {
            String node = ClusterState.countedNode(pod);
            String uid = pod.getMetadata().getUid();
            if (node == null || uid == null) {
                continue;
            }
            input.podsOn.merge(node, 1, Integer::sum);
            if (pod.getMetadata().getDeletionTimestamp() != null) {
                continue; // terminating: it still takes its slot, but plans are made for the cluster without it
            }
            Map.Entry<String, SyscallSet> placed = placements.get(uid);
            if (!input.nodeByName.containsKey(node)
                    || placed == null
                    || !placed.getKey().equals(node)) {
                continue; // a node the Node informer has not listed, or a pod the state does not count (yet)
            }
            Optional<OwnerReference> controller = ReplicaSpreadGuard.controllerOf(pod);
            boolean evictable = settings.schedulerName().equals(pod.getSpec().getSchedulerName())
                    && controller.isPresent()
                    && ReplicaSpreadGuard.REPLICA_CONTROLLERS.contains(
                            controller.get().getKind())
                    && !heldBack.containsKey(controller.get().getUid());
            Optional<String> guarded = settings.replicaSpread().enabled()
                    ? ReplicaSpreadGuard.workloadOf(
                            pod,
                            namespaceLabels.computeIfAbsent(pod.getMetadata().getNamespace(), view::namespaceLabels),
                            settings.replicaSpread().optOutLabel())
                    : Optional.empty();
            input.pods.add(new RebalancePlanner.Pod(uid, node, placed.getValue(), evictable, guarded));
            input.byUid.put(uid, pod);
        }
        return input;
    }

    /** {@code status.allocatable.pods}, when the Node reports it. */
    static Optional<Integer> podSlots(Node node) {
        if (node.getStatus() == null || node.getStatus().getAllocatable() == null) {
            return Optional.empty();
        }
        Quantity pods = node.getStatus().getAllocatable().get("pods");
        if (pods == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(pods.getNumericalAmount().intValueExact());
        } catch (ArithmeticException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private boolean pendingOfOurs(Pod pod) {
        return settings.schedulerName().equals(pod.getSpec().getSchedulerName())
                && ClusterState.countedNode(pod) == null
                && !ClusterState.terminatedPod(pod)
                && pod.getMetadata().getDeletionTimestamp() == null;
    }

    private static boolean controlledBy(Pod pod, String controllerUid) {
        return ReplicaSpreadGuard.controllerOf(pod)
                .map(c -> controllerUid.equals(c.getUid()))
                .orElse(false);
    }

    private static Eviction eviction(Pod pod) {
        return new EvictionBuilder()
                .withNewMetadata()
                .withNamespace(pod.getMetadata().getNamespace())
                .withName(pod.getMetadata().getName())
                .endMetadata()
                .withDeleteOptions(new DeleteOptionsBuilder()
                        .withNewPreconditions()
                        .withUid(pod.getMetadata().getUid())
                        .endPreconditions()
                        .build())
                .build();
    }

    private static String workload(Pod pod, OwnerReference controller) {
        return controller.getKind() + " " + pod.getMetadata().getNamespace() + "/" + controller.getName();
    }

    private static String key(Pod pod) {
        return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
    }

    private static Map<String, String> labels(Node node) {
        return node.getMetadata() == null || node.getMetadata().getLabels() == null
                ? Map.of()
                : node.getMetadata().getLabels();
    }
}
