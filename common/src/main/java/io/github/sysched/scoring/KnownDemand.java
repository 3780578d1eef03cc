package io.github.sysched.scoring;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.github.sysched.syscall.SyscallSet;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The demand a {@link PlacementPlanner} plans for, read from the replica controllers rather than from their pods: a
 * Deployment's ReplicaSets exist seconds before most of their pods, so the demand is known from the templates long
 * before the pods arrive (docs/PLANNING.md).
 *
 * <p>Each controller (ReplicaSet, StatefulSet or ReplicationController) still owes {@code spec.replicas} minus its pods
 * already bound (a pending pod is still demand); each of those pods allows what its template resolves to. The workload
 * key is the one {@link ReplicaSpreadGuard#workloadOf} gives the controller's pods ({@code Kind namespace/name}); the
 * demand is guarded when the guard covers a pod made from the template (not opted out, no spread rules of its own).
 */
public final class KnownDemand {

    private KnownDemand() {}

    /**
     * A replica controller as the planner needs it.
     *
     * @param replicas {@code spec.replicas} (the API server defaults it to 1)
     */
    public record Controller(
            String kind, String namespace, String name, String uid, int replicas, PodTemplateSpec template) {
        public Controller {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(namespace, "namespace");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(template, "template");
            if (!ReplicaSpreadGuard.REPLICA_CONTROLLERS.contains(kind)) {
                throw new IllegalArgumentException("not a replica controller: " + kind);
            }
        }

        /** A ReplicaSet, StatefulSet or ReplicationController; empty for anything else or one without a template. */
        public static Optional<Controller> of(HasMetadata object) {
            ObjectMeta meta = object == null ? null : object.getMetadata();
            if (meta == null || meta.getNamespace() == null || meta.getName() == null) {
                return Optional.empty();
            }
            String kind;
            Integer replicas;
            PodTemplateSpec template;
            if (object instanceof ReplicaSet set && set.getSpec() != null) {
                kind = "ReplicaSet";
                replicas = set.getSpec().getReplicas();
                template = set.getSpec().getTemplate();
            } else if (object instanceof StatefulSet set && set.getSpec() != null) {
                kind = "StatefulSet";
                replicas = set.getSpec().getReplicas();
                template = set.getSpec().getTemplate();
            } else if (object instanceof ReplicationController rc && rc.getSpec() != null) {
                kind = "ReplicationController";
                replicas = rc.getSpec().getReplicas();
                template = rc.getSpec().getTemplate();
            } else {
                return Optional.empty();
            }
            if (template == null) {
                return Optional.empty();
            }
            return Optional.of(new Controller(
                    kind,
                    meta.getNamespace(),
                    meta.getName(),
                    meta.getUid(),
                    replicas == null ? 1 : replicas,
                    template));
        }

        /** {@code Kind namespace/name}, as {@link ReplicaSpreadGuard#workloadOf} keys the controller's pods. */
        public String workload() {
            return kind + " " + namespace + "/" + name;
        }

        /** The template's {@code spec.schedulerName} (null when unset: the default scheduler). */
        public String schedulerName() {
            return template.getSpec() == null ? null : template.getSpec().getSchedulerName();
        }

        /**
         * A pod as the controller creates it, before admission: the template's labels, annotations and spec in the
         * controller's namespace, with the controller's owner reference.
         */
        public Pod templatePod() {
            ObjectMeta templateMeta = template.getMetadata() == null ? new ObjectMeta() : template.getMetadata();
            OwnerReference owner = new OwnerReferenceBuilder()
                    .withKind(kind)
                    .withName(name)
                    .withUid(uid)
                    .withController(true)
                    .build();
            Pod pod = new Pod();
            pod.setMetadata(new ObjectMetaBuilder()
                    .withNamespace(namespace)
                    .withGenerateName(name + "-")
                    .withLabels(templateMeta.getLabels())
                    .withAnnotations(templateMeta.getAnnotations())
                    .withOwnerReferences(owner)
                    .build());
            pod.setSpec(template.getSpec());
            return pod;
        }
    }

    /**
     * How to find the syscall set of a pod: empty when it cannot be known (a template whose profile does not resolve).
     */
    @FunctionalInterface
    public interface SetResolver {
        Optional<SyscallSet> resolve(Pod pod);
    }

    /** The demand and which workloads the guard leaves alone although their controller is known. */
    public record Result(List<PlacementPlanner.Demand> demand, java.util.Set<String> unguarded) {
        public Result {
            demand = List.copyOf(demand);
            unguarded = java.util.Set.copyOf(unguarded);
        }
    }

    /**
     * The demand of {@code controllers}: for each, its replicas minus its pods among {@code pods} that are
     * {@code bound}, with the set {@code templates} resolves its template pod to, else the set {@code existing}
     * resolves one of its pods to (the first that resolves); a controller neither gives a set is left out. Controllers
     * owing no pod are left out.
     *
     * @param namespaceLabels the labels of a namespace (the guard's opt-out), empty when unknown
     * @param optOutLabel     the guard's opt-out label; null when the guard is off (nothing is guarded)
     */
    public static Result of(
            Collection<Controller> controllers,
            Collection<Pod> pods,
            Predicate<Pod> bound,
            SetResolver templates,
            SetResolver existing,
            Function<String, Map<String, String>> namespaceLabels,
            String optOutLabel) {
        Map<String, Integer> boundByController = new HashMap<>();
        Map<String, List<Pod>> podsByController = new HashMap<>();
        for (Pod pod : pods) {
            Optional<OwnerReference> controller = ReplicaSpreadGuard.controllerOf(pod);
            if (controller.isEmpty() || controller.get().getUid() == null) {
                continue;
            }
            String uid = controller.get().getUid();
            podsByController.computeIfAbsent(uid, k -> new ArrayList<>()).add(pod);
            if (bound.test(pod)) {
                boundByController.merge(uid, 1, Integer::sum);
            }
        }
        List<PlacementPlanner.Demand> demand = new ArrayList<>();
        java.util.Set<String> unguarded = new java.util.HashSet<>();
        for (Controller controller : controllers) {
            int owed = controller.replicas() - boundByController.getOrDefault(controller.uid(), 0);
            Pod templatePod = controller.templatePod();
            boolean guarded = optOutLabel != null
                    && ReplicaSpreadGuard.workloadOf(
                                    templatePod, namespaceLabels.apply(controller.namespace()), optOutLabel)
                            .isPresent();
            if (!guarded) {
                unguarded.add(controller.workload());
            }
            if (owed <= 0) {
                continue;
            }
            Optional<SyscallSet> set = templates.resolve(templatePod);
            if (set.isEmpty()) {
                for (Pod pod : podsByController.getOrDefault(controller.uid(), List.of())) {
                    set = existing.resolve(pod);
                    if (set.isPresent()) {
                        break;
                    }
                }
            }
            set.ifPresent(s -> demand.add(new PlacementPlanner.Demand(controller.workload(), s, owed, guarded)));
        }
        return new Result(demand, unguarded);
    }

    /**
     * The workload key of a pod with these owner references in {@code namespace}: {@code Kind namespace/name} of its
     * replica controller, null when it has none (the request path calls this once per {@code /prioritize}).
     */
    public static String workloadKey(String namespace, List<OwnerReference> owners) {
        if (owners == null) {
            return null;
        }
        for (OwnerReference owner : owners) {
            if (Boolean.TRUE.equals(owner.getController())) {
                return ReplicaSpreadGuard.REPLICA_CONTROLLERS.contains(owner.getKind())
                        ? owner.getKind() + " " + namespace + "/" + owner.getName()
                        : null;
            }
        }
        return null;
    }
}
