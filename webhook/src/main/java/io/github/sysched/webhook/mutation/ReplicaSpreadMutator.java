package io.github.sysched.webhook.mutation;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraintBuilder;
import io.github.sysched.annotation.PlacementAnnotations;
import io.github.sysched.scoring.ReplicaSpreadGuard;
import io.github.sysched.webhook.admission.AdmissionContext;
import io.github.sysched.webhook.cache.ClusterLookups;
import io.github.sysched.webhook.config.WebhookProperties;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * The replica-spread guard ({@code sysched.webhook.replica-spread.*}, docs/PLACEMENT.md): ExS alone puts the
 * replicas of one application on one node, so a pod that {@link ReplicaSpreadGuard#workloadOf} covers gets
 * {@code topologySpreadConstraints} that kube-scheduler (with its own cache, assumed pods included) and
 * cluster-autoscaler enforce: {@code maxSkew} M over {@code kubernetes.io/hostname}, and over
 * {@code topology.kubernetes.io/zone} when zones are on, {@code whenUnsatisfiable: DoNotSchedule},
 * {@code nodeTaintsPolicy: Honor}, selecting the replicas by the labels their controller gave them
 * ({@link ReplicaSpreadGuard#replicaLabels}). With counts c₁..c_N summing to r and max − min ≤ M, no domain holds
 * more than ⌈r/N⌉ + M − 1 replicas. What was injected is reported in {@link PlacementAnnotations#REPLICA_SPREAD}.
 *
 * <p>Never touched: pods with their own spread constraints or pod anti-affinity, pods or namespaces labelled
 * {@code <opt-out-label>=off}, pods of other controllers or none, pods of schedulers not listed in
 * {@code scheduler-names} (when it lists any), namespaces the webhook does not mutate. Runs before the IPP mutator,
 * whose {@code compat} anti-affinity is ours, not the author's. On reinvocation the pod arrives with the
 * constraints injected the first time: they are recognized and reported again, never doubled.
 *
 * <p>Zones {@code auto}: the zone constraint only while every Node carries a zone and there are at least two (a
 * DoNotSchedule constraint filters out the nodes without its key).
 */
@Component
@Order(50)
public class ReplicaSpreadMutator implements PodMutator {

    static final String DO_NOT_SCHEDULE = "DoNotSchedule";
    static final String HONOR = "Honor";
    static final String DEFAULT_SCHEDULER = "default-scheduler";

    private final ClusterLookups cluster;
    private final NamespacePolicy namespaces;
    private final WebhookProperties.ReplicaSpread settings;

    public ReplicaSpreadMutator(ClusterLookups cluster, NamespacePolicy namespaces, WebhookProperties properties) {
        this.cluster = cluster;
        this.namespaces = namespaces;
        this.settings = properties.replicaSpread();
    }

    @Override
    public boolean supports(AdmissionContext request) {
        return settings.enabled() && namespaces.resolvesProfiles(request.namespace());
    }

    @Override
    public void mutate(PodAdmission admission) {
        if (!cluster.synced()) {
            throw new IllegalStateException("informer caches not synced: " + cluster.problem());
        }
        Pod pod = admission.pod();
        if (pod.getSpec() == null) {
            return;
        }
        Map<String, String> replicaLabels = ReplicaSpreadGuard.replicaLabels(pod);
        List<TopologySpreadConstraint> existing = pod.getSpec().getTopologySpreadConstraints();
        if (existing != null && !existing.isEmpty()) {
            List<String> keys = injectedKeys(existing, replicaLabels);
            if (!keys.isEmpty()) {
                admission.annotate(PlacementAnnotations.REPLICA_SPREAD, String.join(",", keys));
            }
            return; // the author's constraints, or the ones injected by an earlier invocation
        }
        if (!scheduledByListedScheduler(pod)
                || ReplicaSpreadGuard.workloadOf(pod, namespaceLabels(admission), settings.optOutLabel())
                        .isEmpty()) {
            return;
        }
        if (replicaLabels.isEmpty()) {
            admission.warn("sysched: " + admission.request().describe() + " has no labels to select its replicas by;"
                    + " no replica-spread constraint injected");
            return;
        }
        List<String> keys = topologyKeys();
        PodSpec spec = pod.getSpec();
        List<TopologySpreadConstraint> constraints = new ArrayList<>();
        for (String key : keys) {
            constraints.add(constraint(key, replicaLabels));
        }
        spec.setTopologySpreadConstraints(constraints);
        admission.annotate(PlacementAnnotations.REPLICA_SPREAD, String.join(",", keys));
    }

    /** Hostname, and the zone when zones are on (or, in {@code auto}, when the Nodes span two zones or more). */
    private List<String> topologyKeys() {
        boolean zones = switch (settings.zones()) {
            case ON -> true;
            case OFF -> false;
            case AUTO -> cluster.everyNodeHasZone() && cluster.nodeZones().size() >= 2;
        };
        return zones
                ? List.of(ReplicaSpreadGuard.HOSTNAME_LABEL, ReplicaSpreadGuard.ZONE_LABEL)
                : List.of(ReplicaSpreadGuard.HOSTNAME_LABEL);
    }

    private TopologySpreadConstraint constraint(String topologyKey, Map<String, String> replicaLabels) {
        return new TopologySpreadConstraintBuilder()
                .withMaxSkew(settings.maxSkew())
                .withTopologyKey(topologyKey)
                .withWhenUnsatisfiable(DO_NOT_SCHEDULE)
                .withNewLabelSelector()
                .withMatchLabels(replicaLabels)
                .endLabelSelector()
                .withNodeTaintsPolicy(HONOR)
                .build();
    }

    /**
     * The topology keys of {@code existing} when every one of them is a constraint this mutator injects (hostname
     * or zone, whatever the zones setting is now); empty when any is the author's.
     */
    private List<String> injectedKeys(List<TopologySpreadConstraint> existing, Map<String, String> replicaLabels) {
        List<String> keys = new ArrayList<>();
        for (TopologySpreadConstraint constraint : existing) {
            String key = constraint == null ? null : constraint.getTopologyKey();
            boolean ours = (ReplicaSpreadGuard.HOSTNAME_LABEL.equals(key) || ReplicaSpreadGuard.ZONE_LABEL.equals(key))
                    && !replicaLabels.isEmpty()
                    && constraint.equals(constraint(key, replicaLabels));
            if (!ours || keys.contains(key)) {
                return List.of();
            }
            keys.add(key);
        }
        return keys;
    }

    private boolean scheduledByListedScheduler(Pod pod) {
        if (settings.schedulerNames().isEmpty()) {
            return true;
        }
        String name = pod.getSpec().getSchedulerName();
        return settings.schedulerNames().contains(name == null || name.isEmpty() ? DEFAULT_SCHEDULER : name);
    }

    private Map<String, String> namespaceLabels(PodAdmission admission) {
        return cluster.namespace(admission.request().namespace())
                .map(Namespace::getMetadata)
                .map(metadata -> metadata.getLabels() == null ? Map.<String, String>of() : metadata.getLabels())
                .orElse(Map.of());
    }
}
