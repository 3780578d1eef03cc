package io.github.sysched.scheduler.plan;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.github.sysched.binding.Binding;
import io.github.sysched.binding.BindingPlan;
import io.github.sysched.binding.BindingPolicy;
import io.github.sysched.binding.BindingResolver;
import io.github.sysched.kube.ClusterView;
import io.github.sysched.pod.PodSyscallResolver;
import io.github.sysched.pod.ScoringPod;
import io.github.sysched.profile.ProfileKey;
import io.github.sysched.scheduler.config.SchedulerProperties;
import io.github.sysched.scheduler.extender.PlacementPlans;
import io.github.sysched.scheduler.state.ClusterState;
import io.github.sysched.scoring.KnownDemand;
import io.github.sysched.scoring.PlacementPlanner;
import io.github.sysched.scoring.ReplicaSpreadGuard;
import io.github.sysched.scoring.TaintToleration;
import io.github.sysched.spo.SpoScope;
import io.github.sysched.syscall.SyscallSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plan of the known demand (docs/PLANNING.md): common's {@link PlacementPlanner} over the extender's own view.
 * Each {@link #tick()} that finds Nodes, pods or replica controllers changed since the last plan reads
 * <ul>
 *   <li>the demand: the ReplicaSets, StatefulSets and ReplicationControllers whose template's {@code schedulerName}
 *       is {@code rebalancer.scheduler-name}, each owing {@code spec.replicas} minus its bound pods, with the set its
 *       template resolves to as the webhook resolves a pod (ProfileBindings, then the pod's own profiles, the default
 *       profile), else the set the state counts one of its bound pods with, else left out ({@link KnownDemand});</li>
 *   <li>the nodes: the cached Nodes that take a pod without tolerations, {@code status.allocatable.pods} their pod limit
 *       ({@value #DEFAULT_POD_LIMIT} when absent, the kubelet's default), zones as the rebalancer reads them;</li>
 *   <li>the running pods: the engine's placements, with the guard's workload of each;</li>
 * </ul>
 * plans, warm-started from the previous plan with a fixed seed, and publishes an immutable snapshot that
 * {@code /prioritize} reads ({@link #plannedNodes}). Every replica plans for itself (no leader needed: the plan is a
 * pure function of the caches, and only the leader answers). A failure keeps the previous plan.
 *
 * <p>{@link #tick()} is called from one thread ({@link PlanConfiguration}).
 */
public final class DemandPlanner implements PlacementPlans {

    private static final Logger log = LoggerFactory.getLogger(DemandPlanner.class);

    /** The kubelet's default {@code maxPods}, for a Node that does not report {@code status.allocatable.pods}. */
    static final int DEFAULT_POD_LIMIT = 110;

    private static final long SEED = 15;

    /** What {@code /prioritize} reads: workload → the nodes the plan holds for its coming pods. */
    private record Snapshot(PlacementPlanner.Plan plan, Map<String, Set<String>> nodesByWorkload) {
        static final Snapshot EMPTY = new Snapshot(PlacementPlanner.Plan.EMPTY, Map.of());
    }

    private final ClusterView view;
    private final ClusterState state;
    private final SchedulerProperties properties;
    private final PlacementPlanner planner;
    private final PlanMetrics metrics;
    private final LongSupplier nanos;
    private final AtomicReference<Snapshot> current = new AtomicReference<>(Snapshot.EMPTY);
    private volatile long plannedAtChanges = -1;
    private boolean caughtUp;

    public DemandPlanner(
            ClusterView view,
            ClusterState state,
            SchedulerProperties properties,
            PlanMetrics metrics,
            LongSupplier nanos) {
        this.view = view;
        this.state = state;
        this.properties = properties;
        this.planner = new PlacementPlanner(
                properties.syscallWeights(),
                new ReplicaSpreadGuard(properties.rebalancer().replicaSpread().maxSkew()),
                properties.scoring().openingCost(),
                properties.scoring().plan().steps());
        this.metrics = metrics;
        this.nanos = nanos;
    }

    @Override
    public Set<String> plannedNodes(ScoringPod pod) {
        Map<String, Set<String>> nodes = current.get().nodesByWorkload;
        if (nodes.isEmpty()) {
            return Set.of();
        }
        String workload = KnownDemand.workloadKey(pod.namespace(), pod.owners());
        return workload == null ? Set.of() : nodes.getOrDefault(workload, Set.of());
    }

    @Override
    public void followed() {
        metrics.followed();
    }

    /** The current plan (empty before the first). */
    public PlacementPlanner.Plan plan() {
        return current.get().plan;
    }

    /** True when the current plan was made after the last change the view and the state have seen. */
    public boolean upToDate() {
        return plannedAtChanges == changes();
    }

    private long changes() {
        return view.changes(); // a pod's change counts once the state has counted the pod
    }

    /** Plans when the view changed since the last plan; true when it made one. */
    public boolean tick() {
        long changes = changes();
        if (changes == plannedAtChanges || !view.synced()) {
            return false;
        }
        if (!caughtUp) {
            // once, as readiness does: the pods listed at start all counted; later events need not be waited for
            // (during
            // a rollout some are always on their way, and a plan is made again once they arrive)
            if (!view.podsDelivered()) {
                return false;
            }
            caughtUp = true;
        }
        long started = nanos.getAsLong();
        Snapshot previous = current.get();
        Input input = input();
        PlacementPlanner.Plan plan = planner.plan(input.nodes, input.running, input.demand, previous.plan, SEED);
        Map<String, Set<String>> byWorkload = new LinkedHashMap<>();
        plan.nodesByWorkload().forEach((workload, nodes) -> byWorkload.put(workload, Set.copyOf(nodes)));
        current.set(new Snapshot(plan, Map.copyOf(byWorkload)));
        plannedAtChanges = changes;
        long took = nanos.getAsLong() - started;
        metrics.planned(plan.size(), took);
        log.debug(
                "plan: {} coming pods of {} workloads on {} nodes around {} running pods, in {} ms",
                plan.size(),
                input.demand.size(),
                input.nodes.size(),
                input.running.size(),
                took / 1_000_000);
        return true;
    }

    private record Input(
            List<PlacementPlanner.Node> nodes,
            List<PlacementPlanner.Running> running,
            List<PlacementPlanner.Demand> demand) {}

    private Input input() {
        SchedulerProperties.Rebalancer.ReplicaSpread spread =
                properties.rebalancer().replicaSpread();
        String optOut = spread.enabled() ? spread.optOutLabel() : null;
        String schedulerName = properties.rebalancer().schedulerName();
        List<Pod> pods = new ArrayList<>();
        view.forEachPod(pods::add);
        Map<String, Map<String, String>> namespaceLabels = new HashMap<>();
        List<KnownDemand.Controller> controllers = new ArrayList<>();
        for (var object : view.replicaControllers()) {
            KnownDemand.Controller.of(object)
                    .filter(c -> schedulerName.equals(c.schedulerName()))
                    .ifPresent(controllers::add);
        }
        Map<String, Map.Entry<String, SyscallSet>> placements = state.engine().placements();
        TemplateResolver templates = new TemplateResolver();
        KnownDemand.Result demand = KnownDemand.of(
                controllers,
                pods,
                // bound once the state counts it (through /bind, before the informer shows spec.nodeName): otherwise
                // a pod just bound is both running and still to come, and the plan places it twice
                pod -> (ClusterState.countedNode(pod) != null
                                || placements.containsKey(pod.getMetadata().getUid()))
                        && pod.getMetadata().getDeletionTimestamp() == null,
                templates::resolve,
                pod -> Optional.ofNullable(placements.get(pod.getMetadata().getUid()))
                        .map(Map.Entry::getValue),
                namespace -> namespaceLabels.computeIfAbsent(namespace, view::namespaceLabels),
                optOut);

        Map<String, Pod> podByUid = new HashMap<>();
        for (Pod pod : pods) {
            podByUid.put(pod.getMetadata().getUid(), pod);
        }
        List<PlacementPlanner.Running> running = new ArrayList<>(placements.size());
        placements.forEach((uid, placed) -> {
            Pod pod = podByUid.get(uid);
            Optional<String> workload = pod == null || optOut == null
                    ? Optional.empty()
                    : ReplicaSpreadGuard.workloadOf(
                                    pod,
                                    namespaceLabels.computeIfAbsent(
                                            pod.getMetadata().getNamespace(), view::namespaceLabels),
                                    optOut)
                            .filter(w -> !demand.unguarded().contains(w));
            running.add(new PlacementPlanner.Running(placed.getKey(), placed.getValue(), workload));
        });
        return new Input(nodes(), running, demand.demand());
    }

    private List<PlacementPlanner.Node> nodes() {
        boolean zoned = properties.rebalancer().replicaSpread().zones()
                && view.everyNodeHasZone()
                && view.nodeZones().size() >= 2;
        List<PlacementPlanner.Node> nodes = new ArrayList<>();
        for (Node node : view.nodes()) {
            if (!takesPodsWithoutTolerations(node)) {
                continue;
            }
            Map<String, String> labels = node.getMetadata().getLabels();
            Optional<String> zone = zoned && labels != null
                    ? Optional.ofNullable(labels.get(ReplicaSpreadGuard.ZONE_LABEL))
                    : Optional.empty();
            nodes.add(new PlacementPlanner.Node(node.getMetadata().getName(), podLimit(node), zone));
        }
        return nodes;
    }

    /** Not cordoned, no NoSchedule/NoExecute taint: a node for a pod without tolerations (common's rule). */
    private static boolean takesPodsWithoutTolerations(Node node) {
        return TaintToleration.admits(node, List.of());
    }

    private static int podLimit(Node node) {
        Quantity pods = node.getStatus() == null || node.getStatus().getAllocatable() == null
                ? null
                : node.getStatus().getAllocatable().get("pods");
        if (pods == null) {
            return DEFAULT_POD_LIMIT;
        }
        try {
            return Math.max(1, pods.getNumericalAmount().intValueExact());
        } catch (ArithmeticException | IllegalArgumentException e) {
            return DEFAULT_POD_LIMIT;
        }
    }

    /**
     * A template pod resolved as the webhook resolves a pod at admission: the namespace's ProfileBindings
     * (SPO v1.0's precedence, the webhook's default), then common's {@link PodSyscallResolver} with the default
     * profile and container policy. Empty when the SPO scope is not known or a profile does not resolve.
     */
    private final class TemplateResolver {
        private final SpoScope scope = view.scope();
        private final PodSyscallResolver resolver = scope == null
                ? null
                : PodSyscallResolver.forSpoProfiles(
                        view.profileLookup(),
                        ProfileKey.inScope(
                                scope,
                                properties.defaultProfile().namespace(),
                                properties.defaultProfile().name()),
                        properties.containers().policy());
        private final BindingResolver bindings = scope == null
                ? null
                : new BindingResolver(scope, key -> view.profile(key).isPresent(), BindingPolicy.spoV1());

        Optional<SyscallSet> resolve(Pod pod) {
            if (resolver == null) {
                return Optional.empty();
            }
            String namespace = pod.getMetadata().getNamespace();
            try {
                BindingPlan plan = bindings.plan(
                        pod,
                        namespace,
                        view.bindings(namespace).stream().map(Binding::from).toList());
                return Optional.of(resolver.resolve(plan.applyTo(pod), plan).syscalls());
            } catch (RuntimeException e) {
                log.debug(
                        "plan: the template of {} does not resolve ({}); its pods' set is used if one is counted",
                        pod.getMetadata().getGenerateName(),
                        e.toString());
                return Optional.empty();
            }
        }
    }
}
